package org.marquee.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.app.PosterModel;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The poster model's gradient with respect to its input, which its first convolution computes
 * only when asked: checked against central differences on the reference backend (float64), and
 * the cpu backend's against the reference's.
 */
class SaliencyTest {
    static final int SIZE = 24, CLASSES = 5;

    static float[] poster(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[3 * SIZE * SIZE];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        return x;
    }

    static double logit(Sequential model, double[] x, int genre) {
        try (Tensor t = model.backend().allocate(1, 3, SIZE, SIZE)) {
            model.backend().upload(t, x);
            return model.forward(t, false).toDoubles()[genre];
        }
    }

    @Test
    void theInputGradientIsTheSlopeOfTheLogit() {
        try (ReferenceBackend ref = new ReferenceBackend(); Sequential model = PosterModel.build(ref, 5, SIZE, SIZE, CLASSES, true)) {
            float[] p = poster(1);
            int genre = 3;
            double[] g = Saliency.logitGradient(model, p, genre);
            assertEquals(p.length, g.length);
            double[] x = new double[p.length];
            for (int i = 0; i < p.length; i++) x[i] = p[i];
            SplittableRandom r = new SplittableRandom(2);
            double eps = 1e-6, largest = 0;
            int nonZero = 0;
            for (int n = 0; n < 40; n++) {
                int i = r.nextInt(x.length);
                double keep = x[i];
                x[i] = keep + eps;
                double up = logit(model, x, genre);
                x[i] = keep - eps;
                double down = logit(model, x, genre);
                x[i] = keep;
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, g[i], 1e-7 + 1e-5 * Math.abs(numeric), "pixel " + i);
                if (g[i] != 0) nonZero++;
                largest = Math.max(largest, Math.abs(g[i]));
            }
            assertTrue(nonZero > 20 && largest > 1e-4, "the gradient reaches the pixels: " + nonZero + " non-zero, largest " + largest);
        }
    }

    @Test
    void theCpuBackendAgreesWithTheReference() {
        float[] p = poster(3);
        double[] expected, actual;
        try (ReferenceBackend ref = new ReferenceBackend(); Sequential model = PosterModel.build(ref, 9, SIZE, SIZE, CLASSES, true)) {
            expected = Saliency.logitGradient(model, p, 1);
        }
        try (CpuBackend cpu = new CpuBackend(); Sequential model = PosterModel.build(cpu, 9, SIZE, SIZE, CLASSES, true)) {
            model.parameters();   // same seed, same Glorot draws, in float32
            actual = Saliency.logitGradient(model, p, 1);
            actual = Saliency.logitGradient(model, p, 1);   // a second pass gives the same: nothing accumulates
        }
        double scale = 0;
        for (double v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-3 * scale, "pixel " + i);
    }

    @Test
    void aModelBuiltWithoutItSaysSo() {
        try (ReferenceBackend ref = new ReferenceBackend(); Sequential model = PosterModel.build(ref, 5, SIZE, SIZE, CLASSES)) {
            var e = assertThrows(IllegalStateException.class, () -> Saliency.logitGradient(model, poster(1), 0));
            assertTrue(e.getMessage().contains("withInputGradient"), e.getMessage());
        }
    }

    @Test
    void theMagnitudeIsTheLargestChannelScaledToOne() {
        double[] g = {0.5, -2, 0, 1, /* channel 2 */ -1, 0.5, 0, 0, /* channel 3 */ 0, 0, 0, -4};
        double[] m = Saliency.magnitude(g, 3, 2, 2);
        assertEquals(0.25, m[0], 1e-12);
        assertEquals(0.5, m[1], 1e-12);
        assertEquals(0, m[2], 1e-12);
        assertEquals(1, m[3], 1e-12);
    }
}
