package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.OptimizerConfig;
import org.marquee.engine.SgdConfig;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.reference.ReferenceBackend;

/** SGD with momentum by hand, its clipping and decay as Adam's, the CPU backend against the reference, and the common interface. */
class SgdTest {
    private final Backend ref = new ReferenceBackend();

    private Tensor of(double... v) {
        Tensor t = ref.allocate(v.length);
        ref.upload(t, v);
        return t;
    }

    private static Sequential smallCnn(Backend backend) {
        return Sequential.builder(backend, 3, 8, 8).convBlock(4, 3).flatten().dense(5).relu().dense(3).build(7);
    }

    @Test
    void momentumOnAQuadraticMatchesHandComputedSteps() {
        // f(p) = (p - 3)^2 / 2 from p = 0, lr 0.1, momentum 0.9: v = -3, -5.4, -7.02 and p = 0.3, 0.84, 1.542
        try (Sgd sgd = new Sgd(ref, new SgdConfig(0.1, 0.9), 1, List.of())) {
            Tensor p = of(0);
            double[] expected = {0.3, 0.84, 1.542};
            for (int step = 0; step < 3; step++) {
                double norm = sgd.step(p, of(p.toDoubles()[0] - 3));
                assertTrue(Double.isNaN(norm), "without clipping the norm is not computed");
                assertEquals(expected[step], p.toDoubles()[0], 1e-14, "step " + (step + 1));
            }
            assertEquals(3, sgd.iterations());
            assertEquals(-7.02, sgd.velocity().toDoubles()[0], 1e-14);
        }
    }

    @Test
    void nesterovAndPlainSgd() {
        try (Sgd nesterov = new Sgd(ref, new SgdConfig(0.1, 0.9, true, 0, 0), 1, List.of());
             Sgd plain = new Sgd(ref, new SgdConfig(0.1, 0), 2, List.of())) {
            Tensor p = of(0);
            nesterov.step(p, of(-3));        // v = -3, p -= 0.1 (g + 0.9 v) = 0.1 * -5.7
            assertEquals(0.57, p.toDoubles()[0], 1e-15);
            nesterov.step(p, of(-1));        // v = -3.7, p -= 0.1 (-1 - 3.33)
            assertEquals(0.57 + 0.433, p.toDoubles()[0], 1e-14);
            Tensor q = of(1, 2);
            plain.step(q, of(1, -2));
            plain.step(q, of(1, -2));        // momentum 0: p -= lr g each step
            assertArrayEquals(new double[] {0.8, 2.4}, q.toDoubles(), 1e-15);
        }
    }

    @Test
    void clipsByGlobalNormAsAdamDoes() {
        try (Sgd sgd = new Sgd(ref, new SgdConfig(0.1, 0.9).withClipNorm(1), 2, List.of())) {
            Tensor p = of(0, 0);
            assertEquals(5, sgd.step(p, of(3, 4)), 1e-15, "the norm before clipping");
            assertArrayEquals(new double[] {0.6, 0.8}, sgd.velocity().toDoubles(), 1e-15, "the gradient rescaled to norm 1");
            assertArrayEquals(new double[] {-0.06, -0.08}, p.toDoubles(), 1e-15);
            sgd.step(p, of(0.3, 0.4));     // below the norm: untouched
            assertArrayEquals(new double[] {0.9 * 0.6 + 0.3, 0.9 * 0.8 + 0.4}, sgd.velocity().toDoubles(), 1e-15);
        }
    }

    @Test
    void weightDecayShrinksKernelsOnlyAndNeverEntersTheVelocity() {
        SgdConfig config = new SgdConfig(0.01, 0.9).withWeightDecay(0.5);
        try (Sequential model = smallCnn(ref); Sgd sgd = Sgd.forModel(model, config)) {
            List<Parameter> params = model.namedParameters();
            for (Parameter p : params) if (p.name().endsWith("/bias")) ref.fill(p.value(), 0.25);
            double[][] before = params.stream().map(p -> p.value().toDoubles()).toArray(double[][]::new);
            model.zeroGradients();
            for (int step = 0; step < 3; step++) sgd.step(model.parameters(), model.gradients());
            double shrink = Math.pow(1 - 0.01 * 0.5, 3);
            for (int i = 0; i < params.size(); i++) {
                double[] after = params.get(i).value().toDoubles();
                if (params.get(i).name().endsWith("/kernel")) {
                    for (int j = 0; j < after.length; j++) assertEquals(before[i][j] * shrink, after[j], 1e-15, params.get(i).name());
                } else {
                    assertArrayEquals(before[i], after, 0.0, params.get(i).name() + ": biases are not decayed");
                }
            }
            for (double v : sgd.velocity().toDoubles()) assertEquals(0, v, 0.0, "the decay is decoupled from the velocity");
        }
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ref, config, 3, List.of()), "nothing to decay");
    }

    @Test
    void cpuFollowsTheReference() {
        SgdConfig config = new SgdConfig(0.05, 0.9, true, 2.0, 0.1);
        try (CpuBackend cpu = new CpuBackend(2); Sequential a = smallCnn(cpu); Sequential b = smallCnn(ref);
             Optimizer fast = config.open(a); Optimizer slow = config.open(b)) {
            int n = (int) a.parameterCount();
            for (int step = 0; step < 4; step++) {
                double[] g = new double[n];
                for (int i = 0; i < n; i++) g[i] = Math.sin(i * 0.37 + step) * (step == 1 ? 3 : 0.2);   // step 1 is clipped
                float[] gf = new float[n];
                for (int i = 0; i < n; i++) gf[i] = (float) g[i];
                cpu.upload(a.gradients(), gf);
                ref.upload(b.gradients(), gf);
                double nf = fast.step(a.parameters(), a.gradients()), nr = slow.step(b.parameters(), b.gradients());
                assertEquals(nr, nf, 1e-5 * nr, "gradient norm, step " + step);
            }
            double[] pf = a.parameters().toDoubles(), pr = b.parameters().toDoubles();
            double[] vf = fast.state().get(0).toDoubles(), vr = slow.state().get(0).toDoubles();
            for (int i = 0; i < n; i++) {
                assertEquals(pr[i], pf[i], 1e-5 + 1e-5 * Math.abs(pr[i]), "parameter " + i);
                assertEquals(vr[i], vf[i], 1e-5 + 1e-5 * Math.abs(vr[i]), "velocity " + i);
            }
        }
    }

    @Test
    void bothOptimizersShareOneInterface() {
        try (Sequential model = smallCnn(ref)) {
            OptimizerConfig[] configs = {AdamConfig.keras(), new SgdConfig(0.01, 0.9)};
            for (OptimizerConfig config : configs) {
                Optimizer o = config.open(model);
                assertEquals(config instanceof AdamConfig ? Adam.class : Sgd.class, o.getClass());
                assertEquals(config instanceof AdamConfig ? List.of("m", "v") : List.of("velocity"), o.stateNames());
                assertEquals(o.stateNames().size(), o.state().size());
                for (Tensor t : o.state()) assertEquals(model.parameterCount(), t.size());
                o.setLearningRate(0.5);
                assertEquals(0.5, o.learningRate());
                assertEquals(config.withLearningRate(0.5), o.config());
                o.setIterations(7);
                model.zeroGradients();
                o.step(model.parameters(), model.gradients());
                assertEquals(8, o.iterations());
                o.close();
                o.close();   // harmless
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> o.step(model.parameters(), model.gradients()));
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
                assertThrows(IllegalStateException.class, o::state);
                assertThrows(IllegalStateException.class, () -> o.setLearningRate(0.1));
            }
        }
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new SgdConfig(0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new SgdConfig(Double.NaN, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new SgdConfig(0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SgdConfig(0.1, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new SgdConfig(0.1, 0, true, 0, 0), "Nesterov without momentum");
        assertThrows(IllegalArgumentException.class, () -> new SgdConfig(0.1, 0.9).withClipNorm(-1));
        assertThrows(IllegalArgumentException.class, () -> new SgdConfig(0.1, 0.9).withWeightDecay(Double.POSITIVE_INFINITY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SgdConfig(0.5, 0.9).withWeightDecay(2));
        assertTrue(e.getMessage().contains("below 1"), e.getMessage());
    }
}
