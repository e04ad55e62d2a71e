package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.cpu.CpuOptions;
import org.marquee.engine.reference.ReferenceBackend;

/** The host-side loss and predictions against the backend's, the refusals, and sigmoid cross-entropy unchanged. */
class LossFunctionTest {
    private final Backend ref = new ReferenceBackend();

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    /** Targets each loss is meant for: 0/1 labels, one-hot rows, real values. */
    private Tensor targets(LossFunction loss, int rows, int outputs) {
        return switch (loss) {
            case SIGMOID_CROSS_ENTROPY -> TestTensors.bits(ref, 5, rows, outputs);
            case SOFTMAX_CROSS_ENTROPY -> {
                double[] v = new double[rows * outputs];
                for (int r = 0; r < rows; r++) v[r * outputs + (r * 7) % outputs] = 1;
                Tensor t = ref.allocate(rows, outputs);
                ref.upload(t, v);
                yield t;
            }
            case MEAN_SQUARED_ERROR -> TestTensors.uniform(ref, 6, rows, outputs);
        };
    }

    @Test
    void exampleLossesAverageToTheBackendsLoss() {
        int rows = 6, outputs = 5;
        for (LossFunction loss : LossFunction.values()) {
            Tensor z = TestTensors.uniform(ref, 3, rows, outputs), t = targets(loss, rows, outputs), grad = ref.allocate(rows, outputs);
            // logits the float targets and outputs hold exactly, so host and backend see the same numbers
            ref.upload(z, floats(z.toDoubles()));
            ref.upload(t, floats(t.toDoubles()));
            double backend = loss.gradient(ref, z, t, grad);
            double[] zs = z.toDoubles();
            float[] ts = floats(t.toDoubles());
            double sum = 0, running = 0;
            for (int r = 0; r < rows; r++) {
                sum += loss.exampleLoss(zs, r * outputs, ts, r * outputs, outputs);
                running = loss.accumulateLoss(running, zs, r * outputs, ts, r * outputs, outputs);
            }
            assertEquals(backend, sum / (rows * outputs), 1e-14, loss + ": mean over examples and outputs");
            assertEquals(backend, running / (rows * outputs), 1e-14, loss + ": running sum");
            assertEquals(loss.gradientLater(ref, z, t, grad).getAsDouble(), backend, 0, loss + ": deferred");
        }
    }

    @Test
    void sigmoidCrossEntropyIsTodaysLossBitForBit() {
        Backend cpu = new CpuBackend(CpuOptions.defaults().withThreads(1));
        try (cpu) {
            Tensor z = TestTensors.uniform(cpu, 1, 4, 27), t = TestTensors.bits(cpu, 2, 4, 27);
            Tensor g1 = cpu.allocate(4, 27), g2 = cpu.allocate(4, 27);
            double a = LossFunction.SIGMOID_CROSS_ENTROPY.gradient(cpu, z, t, g1);
            double b = Loss.sigmoidCrossEntropy(cpu, z, t, g2);
            assertEquals(Double.doubleToLongBits(b), Double.doubleToLongBits(a));
            assertArrayEquals(g2.toFloats(), g1.toFloats());
        }
    }

    @Test
    void predictions() {
        double[] z = {9, 0, Math.log(3), 0, -2, 1000, 1000, -1000};
        float[] out = new float[8];
        LossFunction.SIGMOID_CROSS_ENTROPY.predictions(z, 2, 2, out, 1);
        assertArrayEquals(new float[] {0, 0.75f, 0.5f, 0, 0, 0, 0, 0}, out, 1e-7f);
        LossFunction.SOFTMAX_CROSS_ENTROPY.predictions(z, 2, 2, out, 0);
        assertArrayEquals(new float[] {0.75f, 0.25f}, java.util.Arrays.copyOf(out, 2), 1e-7f);
        LossFunction.SOFTMAX_CROSS_ENTROPY.predictions(z, 5, 3, out, 5);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0}, java.util.Arrays.copyOfRange(out, 5, 8), 0f, "large logits stay finite");
        LossFunction.MEAN_SQUARED_ERROR.predictions(z, 3, 2, out, 0);
        assertArrayEquals(new float[] {0, -2}, java.util.Arrays.copyOf(out, 2), 0f);
        assertTrue(LossFunction.SIGMOID_CROSS_ENTROPY.wantsLogits() && LossFunction.SOFTMAX_CROSS_ENTROPY.wantsLogits());
        assertFalse(LossFunction.MEAN_SQUARED_ERROR.wantsLogits());
    }

    @Test
    void aModelEndingInSigmoidIsRefused() {
        try (Sequential logits = Sequential.builder(ref, 3).dense(2).build(1);
             Sequential squashed = Sequential.builder(ref, 3).dense(2).sigmoid().build(1)) {
            for (LossFunction loss : LossFunction.values()) {
                assertNull(loss.refusal(logits), loss + " trains a model ending in logits");
                String why = loss.refusal(squashed);
                assertTrue(why != null && why.contains("activation_1") && why.contains(".sigmoid()"), loss + ": " + why);
            }
            assertTrue(LossFunction.SOFTMAX_CROSS_ENTROPY.refusal(squashed).contains("softmax"));
            assertTrue(LossFunction.MEAN_SQUARED_ERROR.refusal(squashed).contains("no backward pass"));
        }
    }

    @Test
    void shapesMustAgree() {
        Tensor z = ref.allocate(2, 3), t = ref.allocate(3, 2), g = ref.allocate(2, 3);
        for (LossFunction loss : LossFunction.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.gradient(ref, z, t, g));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        }
    }
}
