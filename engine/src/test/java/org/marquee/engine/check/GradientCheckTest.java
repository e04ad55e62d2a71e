package org.marquee.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.LossFunction;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.nn.TestTensors;
import org.marquee.engine.reference.ReferenceBackend;

/** The whole poster-shaped network under the real loss, and the checker's ability to fail. */
class GradientCheckTest {
    private final Backend ref = new ReferenceBackend();

    /** (conv relu pool) dropout x3, flatten, dense relu dropout, dense: the poster model in miniature. */
    private Sequential smallPosterNet() {
        Sequential model = Sequential.builder(ref, 3, 22, 24).withInputGradient()
                .convBlock(4, 3).dropout(0.25)
                .convBlock(4, 3).dropout(0.25)
                .conv2d(5, 3).relu().maxPool2x2().dropout(0.25)      // the same layers unfused
                .flatten().dense(6).relu().dropout(0.5).dense(5)
                .build(21);
        model.setStep(2);
        return model;
    }

    @Test
    void wholeNetworkUnderSigmoidCrossEntropy() {
        Sequential model = smallPosterNet();
        Tensor x = TestTensors.uniform(ref, 5, 2, 3, 22, 24);
        Objective loss = Objective.sigmoidCrossEntropy(TestTensors.bits(ref, 6, 2, 5));
        GradientCheck.Options options = GradientCheck.Options.defaults().withMaxEntriesPerTensor(400);
        GradientCheckResult r = GradientCheck.check(model, x, loss, options);
        assertTrue(r.passed(), () -> r.summary() + r.failures());
        // every parameter tensor (all are small) plus a 400-element sample of the input
        assertEquals(400 + model.parameterCount(), r.entries().size());
        for (String tensor : new String[] {"input", "conv2d_1/kernel", "conv2d_1/bias", "conv2d_3/kernel", "dense_2/bias"}) {
            assertTrue(r.entries().stream().anyMatch(e -> e.tensor().equals(tensor) && Math.abs(e.analytic()) > 1e-6),
                    "non-zero gradient checked in " + tensor);
        }
    }

    /** One class per example: each row of (rows, classes) has a single 1. */
    private Tensor oneHot(long seed, int rows, int classes) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] v = new double[rows * classes];
        for (int i = 0; i < rows; i++) v[i * classes + r.nextInt(classes)] = 1;
        Tensor t = ref.allocate(rows, classes);
        ref.upload(t, v);
        return t;
    }

    @Test
    void wholeNetworkUnderSoftmaxCrossEntropy() {
        Sequential model = smallPosterNet();
        Tensor x = TestTensors.uniform(ref, 7, 3, 3, 22, 24);
        Objective loss = Objective.of(LossFunction.SOFTMAX_CROSS_ENTROPY, oneHot(8, 3, 5));
        GradientCheckResult r = GradientCheck.check(model, x, loss, GradientCheck.Options.defaults().withMaxEntriesPerTensor(200));
        assertTrue(r.passed(), () -> r.summary() + r.failures());
        assertTrue(r.entries().stream().anyMatch(e -> e.tensor().equals("dense_2/kernel") && Math.abs(e.analytic()) > 1e-6));
    }

    @Test
    void wholeNetworkUnderMeanSquaredError() {
        Sequential model = smallPosterNet();
        Tensor x = TestTensors.uniform(ref, 9, 3, 3, 22, 24);
        Objective loss = Objective.of(LossFunction.MEAN_SQUARED_ERROR, TestTensors.uniform(ref, 10, 3, 5));
        GradientCheckResult r = GradientCheck.check(model, x, loss, GradientCheck.Options.defaults().withMaxEntriesPerTensor(200));
        assertTrue(r.passed(), () -> r.summary() + r.failures());
        assertTrue(r.entries().stream().anyMatch(e -> e.tensor().equals("conv2d_1/kernel") && Math.abs(e.analytic()) > 1e-6));
    }

    @Test
    void eachLossAgainstCentralDifferencesOfItsOwnValue() {
        // dL/dz of the loss alone, element by element, including soft (non one-hot) softmax targets
        double eps = 1e-6;
        Tensor soft = ref.allocate(2, 4);
        ref.upload(soft, new double[] {0.25, 0.25, 0.5, 0, 0.1, 0.2, 0.3, 0.4});
        Tensor[] targets = {TestTensors.bits(ref, 3, 2, 4), soft, TestTensors.uniform(ref, 4, 2, 4)};
        LossFunction[] losses = {LossFunction.SIGMOID_CROSS_ENTROPY, LossFunction.SOFTMAX_CROSS_ENTROPY, LossFunction.MEAN_SQUARED_ERROR};
        for (int k = 0; k < losses.length; k++) {
            LossFunction f = losses[k];
            Tensor z = TestTensors.uniform(ref, 20 + k, 2, 4), grad = ref.allocate(2, 4), scratch = ref.allocate(2, 4);
            f.gradient(ref, z, targets[k], grad);
            double[] analytic = grad.toDoubles(), zs = z.toDoubles();
            for (int i = 0; i < zs.length; i++) {
                double[] plus = zs.clone(), minus = zs.clone();
                plus[i] += eps;
                minus[i] -= eps;
                ref.upload(z, plus);
                double up = f.gradient(ref, z, targets[k], scratch);
                ref.upload(z, minus);
                double down = f.gradient(ref, z, targets[k], scratch);
                GradientCheckResult.Entry e = GradientCheck.entry(f.name(), i, analytic[i], (up - down) / (2 * eps),
                        GradientCheck.Options.defaults());
                assertTrue(e.passed(), f + " element " + i + ": analytic " + analytic[i] + " numeric " + e.numeric());
            }
        }
    }

    @Test
    void failsOnACorruptedGradient() {
        Sequential model = smallPosterNet();
        Tensor x = TestTensors.uniform(ref, 5, 1, 3, 22, 24);
        Objective loss = Objective.sigmoidCrossEntropy(TestTensors.bits(ref, 6, 1, 5));
        GradientCheck.Options options = GradientCheck.Options.defaults().withMaxEntriesPerTensor(150);
        GradientCheck.Gradients good = GradientCheck.analytic(model, x, loss, options);
        assertTrue(GradientCheck.compare(model, x, loss, good, options).passed());

        Map<String, double[]> corrupted = new LinkedHashMap<>();
        good.byTensor().forEach((k, v) -> corrupted.put(k, v.clone()));
        double[] kernel = corrupted.get("conv2d_2/kernel");
        int target = largestMagnitude(kernel);
        kernel[target] *= 1.01;                         // a 1% error in one element
        GradientCheckResult r = GradientCheck.compare(model, x, loss, new GradientCheck.Gradients(corrupted), options);
        assertFalse(r.passed());
        assertEquals(1, r.failures().size(), r::summary);
        assertEquals("conv2d_2/kernel", r.failures().get(0).tensor());
        assertEquals(target, r.failures().get(0).index());
        assertTrue(r.table().contains("FAIL") && r.summary().startsWith("tensor"));
    }

    @Test
    void relativeErrorAndAbsoluteFloor() {
        GradientCheck.Options o = GradientCheck.Options.defaults();
        assertTrue(GradientCheck.entry("t", 0, 1.0, 1.0 + 1e-6, o).passed());
        assertFalse(GradientCheck.entry("t", 0, 1.0, 1.001, o).passed());
        assertEquals(1.0, GradientCheck.entry("t", 0, 1e-3, -1e-3, o).relativeError(), 1e-15);
        assertTrue(GradientCheck.entry("t", 0, 1e-10, -1e-10, o).passed(), "absolute floor");
        assertEquals(0.0, GradientCheck.entry("t", 0, 0, 0, o).relativeError());
    }

    @Test
    void refusesAnyOtherBackend() {
        // a backend that computes like the reference but is not it (as a float32 backend would be)
        Backend other = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> method.getName().equals("name") ? "other" : method.invoke(ref, args));
        Sequential model = Sequential.builder(other, 3).dense(2).build(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.check(model, TestTensors.uniform(other, 1, 1, 3), Objective.weightedSum(1),
                        GradientCheck.Options.defaults()));
        assertTrue(e.getMessage().contains("reference"), e.getMessage());
    }

    private static int largestMagnitude(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best])) best = i;
        return best;
    }
}
