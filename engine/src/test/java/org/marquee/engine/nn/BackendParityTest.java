package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The same layer code on every other backend found on the class path agrees with the float64
 * reference: logits, loss, every parameter gradient, the input gradient and a short Adam
 * trajectory, within float32 tolerance.
 */
class BackendParityTest {
    private final Backend ref = new ReferenceBackend();

    /** The settings the providers' backends are created with; none: their built-in defaults. */
    java.util.Map<String, String> settings() { return java.util.Map.of(); }

    static Stream<String> otherBackends() {
        return BackendProvider.all().stream()
                .filter(p -> !p.name().equals("reference") && p.probe().available())
                .map(BackendProvider::name);
    }

    private static Sequential net(Backend b) {
        Sequential m = Sequential.builder(b, 3, 23, 21).withInputGradient()
                .convBlock(6, 3).dropout(0.25)                        // the direct route on the cpu backend
                .convBlock(8, 3, 3, 2, 1).dropout(0.25)               // stride 2: the textbook route
                .conv2d(8, 1).relu()
                .flatten().dense(16).relu().dropout(0.5).dense(7)
                .build(31);
        m.setStep(4);
        return m;
    }

    /** Values already rounded to float, so both backends see the same input. */
    private static double[] floats(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(lo, hi);
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherBackends")
    void forwardBackwardAndTrainingMatchTheReference(String name) {
        BackendProvider provider = BackendProvider.named(name).orElseThrow();
        try (Backend other = provider.create(new BackendProvider.BackendOptions(0, null, settings()))) {
            int n = 3;
            double[] x = floats(1, n * 3 * 23 * 21, 0, 1);
            double[] t = floats(2, n * 7, 0, 1);
            for (int i = 0; i < t.length; i++) t[i] = t[i] < 0.3 ? 1 : 0;
            Run a = new Run(ref, x, t, n), b = new Run(other, x, t, n);

            assertClose("initial parameters", a.model.parameters().toDoubles(), b.model.parameters().toDoubles(), 1e-6);
            double lossA = a.forwardBackward(), lossB = b.forwardBackward();
            assertEquals(lossA, lossB, 1e-5 * Math.max(1, Math.abs(lossA)), "loss");
            assertClose("logits", a.logits.toDoubles(), b.logits.toDoubles(), 1e-4);
            for (int i = 0; i < a.model.namedParameters().size(); i++) {
                Parameter pa = a.model.namedParameters().get(i), pb = b.model.namedParameters().get(i);
                assertClose(pa.name() + " gradient", pa.gradient().toDoubles(), pb.gradient().toDoubles(), 1e-3);
            }
            assertClose("input gradient", a.model.inputGradient().toDoubles(), b.model.inputGradient().toDoubles(), 1e-3);

            for (int step = 0; step < 5; step++) {
                a.adamStep();
                b.adamStep();
                double la = a.forwardBackward(), lb = b.forwardBackward();
                assertEquals(la, lb, 1e-4 * Math.max(1, Math.abs(la)), "loss after Adam step " + (step + 1));
            }
            a.model.close();
            b.model.close();
        }
    }

    /** |a - b| <= rtol * (|ref| + max|ref|): relative to each element, with a floor from the tensor's scale. */
    private static void assertClose(String what, double[] expected, double[] actual, double rtol) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double v : expected) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0, what + " is not all zero");
        for (int i = 0; i < expected.length; i++) {
            double tol = rtol * (Math.abs(expected[i]) + scale);
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " but got " + actual[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }

    private static final class Run {
        final Backend backend;
        final Sequential model;
        final Tensor x, targets, grad;
        final Adam adam;
        Tensor logits;
        long step = 4;

        Run(Backend backend, double[] xs, double[] ts, int n) {
            this.backend = backend;
            this.model = net(backend);
            this.x = backend.allocate(n, 3, 23, 21);
            backend.upload(x, xs);
            this.targets = backend.allocate(n, 7);
            backend.upload(targets, ts);
            this.grad = backend.allocate(n, 7);
            this.adam = new Adam(backend, AdamConfig.keras().withLearningRate(1e-2).withClipNorm(1.0), model.parameterCount());
        }

        double forwardBackward() {
            model.setStep(step++);
            model.zeroGradients();
            logits = model.forward(x, true);
            double loss = Loss.sigmoidCrossEntropy(backend, logits, targets, grad);
            model.backward(grad);
            backend.synchronize();
            return loss;
        }

        void adamStep() { adam.step(model.parameters(), model.gradients()); }
    }
}
