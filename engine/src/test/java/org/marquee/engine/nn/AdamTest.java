package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.reference.ReferenceBackend;

class AdamTest {
    private final Backend ref = new ReferenceBackend();

    private Tensor of(double... v) {
        Tensor t = ref.allocate(v.length);
        ref.upload(t, v);
        return t;
    }

    @Test
    void firstStepMovesEachParameterByTheLearningRate() {
        Adam adam = new Adam(ref, AdamConfig.keras(), 3);
        Tensor p = of(1, 2, 3);
        double norm = adam.step(p, of(0.5, -2, 0));
        assertTrue(Double.isNaN(norm), "without clipping the norm is not computed: " + norm);
        assertEquals(1, adam.iterations());
        // step 1: m̂ / sqrt(v̂) = g / |g|, so each moves by lr against its gradient (ε aside)
        assertArrayEquals(new double[] {1 - 1e-3, 2 + 1e-3, 3}, p.toDoubles(), 1e-8);   // ε shifts it by < 1e-8
        assertArrayEquals(new double[] {0.05, -0.2, 0}, adam.m().toDoubles(), 1e-15);
        assertArrayEquals(new double[] {0.25e-3, 4e-3, 0}, adam.v().toDoubles(), 1e-15);
    }

    @Test
    void clipsByGlobalNorm() {
        AdamConfig clip = AdamConfig.keras().withClipNorm(1.0);
        Adam clipped = new Adam(ref, clip, 2);
        Tensor p = of(0, 0);
        double norm = clipped.step(p, of(3, 4));
        assertEquals(5, norm, 1e-15, "reports the norm before clipping");
        // the moments saw the gradient rescaled to norm 1: (0.6, 0.8)
        assertArrayEquals(new double[] {0.06, 0.08}, clipped.m().toDoubles(), 1e-15);
        assertArrayEquals(new double[] {0.36e-3, 0.64e-3}, clipped.v().toDoubles(), 1e-15);

        Adam unclippedSmall = new Adam(ref, clip, 2);
        unclippedSmall.step(of(0, 0), of(0.3, 0.4));
        assertArrayEquals(new double[] {0.03, 0.04}, unclippedSmall.m().toDoubles(), 1e-15, "below the clip norm: untouched");
    }

    @Test
    void iterationsCanBeRestored() {
        Adam adam = new Adam(ref, AdamConfig.keras(), 1);
        adam.setIterations(10);
        Tensor p = of(0);
        adam.step(p, of(1));
        assertEquals(11, adam.iterations());
        double lr = 1e-3, t = 11;
        double mHat = 0.1 / (1 - Math.pow(0.9, t)), vHat = 1e-3 / (1 - Math.pow(0.999, t));
        // Keras puts epsilon on the uncorrected sqrt(v): lr_t * m / (sqrt(v) + eps)
        double expected = -lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t)) * 0.1 / (Math.sqrt(1e-3) + 1e-7);
        assertEquals(expected, p.toDoubles()[0], 1e-15);
        assertEquals(-lr * mHat / Math.sqrt(vHat), p.toDoubles()[0], 1e-8);
        assertThrows(IllegalArgumentException.class, () -> adam.step(of(1, 2), of(1, 2)));
    }

    private static Sequential smallCnn(Backend backend) {
        return Sequential.builder(backend, 3, 8, 8).convBlock(4, 3).flatten().dense(5).relu().dense(3).build(7);
    }

    @Test
    void weightDecayShrinksKernelsByOneMinusLrTimesDecayPerStepAndLeavesBiases() {
        AdamConfig config = AdamConfig.keras().withLearningRate(0.01).withWeightDecay(0.5);
        try (Sequential model = smallCnn(ref); Adam adam = Adam.forModel(model, config)) {
            List<Parameter> params = model.namedParameters();
            for (Parameter p : params) if (p.name().endsWith("/bias")) ref.fill(p.value(), 0.25);
            double[][] before = params.stream().map(p -> p.value().toDoubles()).toArray(double[][]::new);
            model.zeroGradients();
            for (int step = 0; step < 3; step++) adam.step(model.parameters(), model.gradients());
            double shrink = Math.pow(1 - 0.01 * 0.5, 3);
            int kernels = 0;
            for (int i = 0; i < params.size(); i++) {
                double[] after = params.get(i).value().toDoubles();
                if (params.get(i).name().endsWith("/kernel")) {
                    kernels++;
                    for (int j = 0; j < after.length; j++) assertEquals(before[i][j] * shrink, after[j], 1e-15, params.get(i).name());
                } else {
                    assertArrayEquals(before[i], after, 0.0, params.get(i).name() + ": biases are not decayed");
                }
            }
            assertEquals(3, kernels, "conv, dense and dense kernels");
        }
    }

    @Test
    void weightDecayFollowsTheLearningRateOfEachStep() {
        AdamConfig config = AdamConfig.keras().withLearningRate(0.01).withWeightDecay(0.5);
        Tensor p = of(2, 3);
        Adam adam = new Adam(ref, config, 2, List.of(p.view(0, 1)));
        adam.step(p, of(0, 0));
        adam.setLearningRate(0.1);
        assertEquals(0.1, adam.config().learningRate());
        adam.step(p, of(0, 0));
        assertArrayEquals(new double[] {2 * (1 - 0.005) * (1 - 0.05), 3}, p.toDoubles(), 1e-15, "only the first entry is decayed");
    }

    @Test
    void zeroWeightDecayIsPlainAdamBitForBit() {
        assertEquals(AdamConfig.keras(), new AdamConfig(1e-3, 0.9, 0.999, 1e-7, 0), "the default has no weight decay");
        AdamConfig config = AdamConfig.keras().withLearningRate(0.01).withClipNorm(1);
        try (CpuBackend cpu = new CpuBackend(1);
             Sequential a = smallCnn(cpu); Sequential b = smallCnn(cpu);
             Adam plain = new Adam(cpu, config, a.parameterCount());
             Adam withKernels = Adam.forModel(b, config.withWeightDecay(0))) {
            for (int step = 0; step < 3; step++) {
                float[] g = new float[(int) a.parameterCount()];
                for (int i = 0; i < g.length; i++) g[i] = (float) Math.sin(i * 0.37 + step);
                cpu.upload(a.gradients(), g);
                cpu.upload(b.gradients(), g);
                plain.step(a.parameters(), a.gradients());
                withKernels.step(b.parameters(), b.gradients());
            }
            assertArrayEquals(a.parameters().toFloats(), b.parameters().toFloats());
        }
    }

    @Test
    void aChangedLearningRateSetsTheNextStepsSize() {
        Adam adam = new Adam(ref, AdamConfig.keras(), 1);
        adam.setLearningRate(0.05);
        Tensor p = of(1);
        adam.step(p, of(3));
        assertEquals(1 - 0.05, p.toDoubles()[0], 1e-7);   // first step moves by lr (ε aside)
        assertThrows(IllegalArgumentException.class, () -> adam.setLearningRate(0));
    }

    @Test
    void weightDecayIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> AdamConfig.keras().withWeightDecay(-0.1));
        assertThrows(IllegalArgumentException.class, () -> AdamConfig.keras().withWeightDecay(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> AdamConfig.keras().withLearningRate(0.5).withWeightDecay(2),
                "lr x wd = 1 would zero the weights");
        AdamConfig decaying = AdamConfig.keras().withWeightDecay(0.1);
        assertThrows(IllegalArgumentException.class, () -> new Adam(ref, decaying, 3), "nothing to decay");
        Tensor params = of(1, 2, 3);
        Adam adam = new Adam(ref, decaying, 3, List.of(of(1)));
        assertThrows(IllegalArgumentException.class, () -> adam.step(params, of(0, 0, 0)), "not a view of the parameters");
    }
}
