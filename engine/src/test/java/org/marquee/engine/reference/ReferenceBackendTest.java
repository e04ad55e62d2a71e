package org.marquee.engine.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Tensor;

/** Each primitive of the reference backend on tiny cases that can be checked by hand. */
class ReferenceBackendTest {
    private final ReferenceBackend ref = new ReferenceBackend();

    private Tensor of(int[] shape, double... v) {
        Tensor t = ref.allocate(shape);
        ref.upload(t, v);
        return t;
    }

    private Tensor vec(double... v) { return of(new int[] {v.length}, v); }

    private double[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble(-1, 1);
        return v;
    }

    // ---------------------------------------------------------------- memory

    @Test
    void viewsHonourTheirOffset() {
        Tensor block = ref.allocate(10);
        Tensor view = block.view(3, 2, 2);
        ref.upload(view, new double[] {1, 2, 3, 4});
        ref.fill(block.view(8, 2), 9);
        assertArrayEquals(new double[] {0, 0, 0, 1, 2, 3, 4, 0, 9, 9}, block.toDoubles());
        Tensor other = ref.allocate(6);
        ref.copy(view, other.view(1, 4));
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 0}, other.toDoubles());
        assertArrayEquals(new float[] {1, 2, 3, 4}, view.toFloats());
        assertThrows(IllegalArgumentException.class, () -> ref.upload(view, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> ref.copy(view, block));
    }

    // ---------------------------------------------------------------- gemm

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void gemmMatchesNaiveProductInEveryTransposeCombination(boolean transA, boolean transB) {
        int m = 3, n = 4, k = 5;
        double[] a = random(1, m * k), b = random(2, k * n), c0 = random(3, m * n);
        // store A as (M, K) or, transposed, (K, M); B as (K, N) or (N, K); all inside larger blocks
        Tensor ta = ref.allocate(100).view(7, m * k), tb = ref.allocate(100).view(11, k * n), tc = ref.allocate(50).view(5, m * n);
        ref.upload(ta, transA ? transpose(a, m, k) : a);
        ref.upload(tb, transB ? transpose(b, k, n) : b);
        ref.upload(tc, c0);
        ref.gemm(transA, transB, m, n, k, 2.0, ta, tb, 0.5, tc);
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                expected[i * n + j] = 2.0 * s + 0.5 * c0[i * n + j];
            }
        assertArrayEquals(expected, tc.toDoubles(), 1e-14);
    }

    private static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
        return t;
    }

    @Test
    void gemmHandCaseAndBetaZeroIgnoresGarbage() {
        Tensor a = of(new int[] {2, 2}, 1, 2, 3, 4);
        Tensor b = of(new int[] {2, 2}, 5, 6, 7, 8);
        Tensor c = of(new int[] {2, 2}, Double.NaN, Double.NaN, 1, 1);
        ref.gemm(false, false, 2, 2, 2, 1, a, b, 0, c);
        assertArrayEquals(new double[] {19, 22, 43, 50}, c.toDoubles());
        ref.gemm(false, false, 2, 2, 2, 1, a, b, 1, c);          // accumulate
        assertArrayEquals(new double[] {38, 44, 86, 100}, c.toDoubles());
        assertThrows(IllegalArgumentException.class, () -> ref.gemm(false, false, 3, 2, 2, 1, a, b, 0, c));
    }

    // ---------------------------------------------------------------- im2col

    @Test
    void im2colHandCase() {
        // image 1x3x3: 1 2 3 / 4 5 6 / 7 8 9, kernel 2x2, stride 1, no padding -> cols (4, 4)
        Tensor img = of(new int[] {1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        ConvGeometry g = new ConvGeometry(1, 3, 3, 1, 2, 2, 1, 0);
        Tensor cols = ref.allocate(4, 4);
        ref.im2col(img, g, cols);
        assertArrayEquals(new double[] {
            1, 2, 4, 5,     // kernel (0,0) at each output position
            2, 3, 5, 6,     // (0,1)
            4, 5, 7, 8,     // (1,0)
            5, 6, 8, 9}, cols.toDoubles());
    }

    @Test
    void im2colPaddingAndStride() {
        // image 1x2x2: 1 2 / 3 4, kernel 1x1... pad 1 stride 2 -> 2x2 output at padded (0,0),(0,2),(2,0),(2,2)
        Tensor img = of(new int[] {1, 2, 2}, 1, 2, 3, 4);
        ConvGeometry g = new ConvGeometry(1, 2, 2, 1, 3, 3, 2, 1);
        assertEquals(1, g.oh());
        Tensor cols = ref.allocate(9, 1);
        ref.im2col(img, g, cols);
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, 2, 0, 3, 4}, cols.toDoubles());
    }

    @Test
    void col2imAddIsTheAdjointOfIm2col() {
        ConvGeometry g = new ConvGeometry(2, 5, 6, 3, 3, 2, 2, 1);
        Tensor x = ref.allocate(2, 5, 6), c = ref.allocate(g.patch(), g.positions());
        ref.upload(x, random(4, x.intSize()));
        ref.upload(c, random(5, c.intSize()));
        Tensor cx = ref.allocate(g.patch(), g.positions());
        ref.im2col(x, g, cx);
        Tensor back = ref.allocate(2, 5, 6);
        ref.fill(back, 1.0);
        ref.col2imAdd(c, g, back);
        // <im2col(x), c> = <x, col2im(c)>, and col2imAdd adds onto what was there (1 everywhere)
        double lhs = dot(cx.toDoubles(), c.toDoubles());
        double[] b = back.toDoubles();
        for (int i = 0; i < b.length; i++) b[i] -= 1.0;
        assertEquals(lhs, dot(x.toDoubles(), b), 1e-12);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    // ---------------------------------------------------------------- bias and activations

    @Test
    void biasAddAndGrad() {
        Tensor y = ref.allocate(2, 2, 3);    // (outer 2, channels 2, inner 3)
        ref.addBias(y, vec(10, 20), 2, 2, 3);
        assertArrayEquals(new double[] {10, 10, 10, 20, 20, 20, 10, 10, 10, 20, 20, 20}, y.toDoubles());
        Tensor dy = of(new int[] {2, 2, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        Tensor db = vec(100, 100);
        ref.biasGrad(dy, db, 2, 2, 3);
        assertArrayEquals(new double[] {100 + 1 + 2 + 3 + 7 + 8 + 9, 100 + 4 + 5 + 6 + 10 + 11 + 12}, db.toDoubles());
    }

    @Test
    void reluForwardBackwardAndSigmoid() {
        Tensor x = vec(-2, -0.0, 0.5, 3);
        Tensor y = ref.allocate(4);
        ref.relu(x, y);
        assertArrayEquals(new double[] {0, 0, 0.5, 3}, y.toDoubles());
        Tensor dx = vec(1, 1, 1, 1);
        ref.reluBackward(y, vec(5, 6, 7, 8), dx);
        assertArrayEquals(new double[] {0, 0, 7, 8}, dx.toDoubles(), "dy where y > 0, else 0, whatever dx held");
        ref.relu(x, x);
        assertArrayEquals(new double[] {0, 0, 0.5, 3}, x.toDoubles(), "in place");
        Tensor z = vec(0, Math.log(3), -1000, 1000);
        ref.sigmoid(z, z);
        assertArrayEquals(new double[] {0.5, 0.75, 0, 1}, z.toDoubles(), 1e-15);
    }

    // ---------------------------------------------------------------- pooling

    @Test
    void maxPoolArgmaxTiesAndOddEdges() {
        // one plane 3x5: the last row and column are dropped (floor)
        Tensor x = of(new int[] {1, 3, 5},
                1, 9, 2, 2, 100,
                3, 4, 2, 2, 100,
                100, 100, 100, 100, 100);
        Tensor y = ref.allocate(1, 1, 2), arg = ref.allocate(1, 1, 2);
        ref.maxPool2x2(x, 1, 3, 5, y, arg);
        assertArrayEquals(new double[] {9, 2}, y.toDoubles());
        assertArrayEquals(new double[] {1, 0}, arg.toDoubles(), "winner (0,1), then a 4-way tie: first wins");
        Tensor dx = ref.allocate(1, 3, 5);
        ref.fill(dx, Double.NaN);
        ref.maxPool2x2Backward(vec(5, 7), arg, 1, 3, 5, dx);
        assertArrayEquals(new double[] {0, 5, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, dx.toDoubles(),
                "each winner gets its window's gradient, everything else 0, whatever dx held");
    }

    @Test
    void maxPoolOverSeveralPlanesAndNegativeValues() {
        Tensor x = of(new int[] {2, 2, 2}, -4, -3, -2, -1, -1, -5, -6, -7);
        Tensor y = ref.allocate(2), arg = ref.allocate(2);
        ref.maxPool2x2(x, 2, 2, 2, y, arg);
        assertArrayEquals(new double[] {-1, -1}, y.toDoubles());
        assertArrayEquals(new double[] {3, 0}, arg.toDoubles());
    }

    // ---------------------------------------------------------------- dropout and elementwise

    @Test
    void dropoutMaskRateValuesAndDeterminism() {
        int n = 200_000;
        double rate = 0.25;
        Tensor a = ref.allocate(n), b = ref.allocate(n), c = ref.allocate(n);
        ref.dropoutMask(a, 7, 3, rate);
        ref.dropoutMask(b, 7, 3, rate);
        ref.dropoutMask(c, 7, 4, rate);
        double[] ma = a.toDoubles(), mb = b.toDoubles(), mc = c.toDoubles();
        assertArrayEquals(ma, mb, 0.0, "same (seed, step): same mask");
        int kept = 0, keptBoth = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(ma[i] == 0 || ma[i] == 1 / (1 - rate), "0 or 1/(1-rate)");
            if (ma[i] != 0) kept++;
            if (ma[i] != 0 && mc[i] != 0) keptBoth++;
            sum += ma[i];
        }
        double keep = 1 - rate, sd = Math.sqrt(keep * rate / n);
        assertEquals(keep, kept / (double) n, 5 * sd, "keep fraction");
        assertEquals(1.0, sum / n, 5 * sd / keep, "inverted dropout keeps the mean");
        assertEquals(keep * keep, keptBoth / (double) n, 0.01, "masks of two steps are independent");
        Tensor zero = ref.allocate(10);
        ref.dropoutMask(zero, 1, 1, 0.0);
        for (double v : zero.toDoubles()) assertEquals(1.0, v);
    }

    @Test
    void multiplyWrites() {
        Tensor out = vec(1, 1, 1);
        ref.multiply(vec(1, 2, 3), vec(4, 5, 6), out);
        assertArrayEquals(new double[] {4, 10, 18}, out.toDoubles());
        assertEquals(1 + 4 + 9, ref.sumOfSquares(vec(1, -2, 3)));
    }

    // ---------------------------------------------------------------- loss and optimizer

    @Test
    void sigmoidCrossEntropyOfZeroLogitsIsLn2() {
        Tensor z = ref.allocate(2, 3), t = of(new int[] {2, 3}, 1, 0, 1, 0, 0, 1), g = ref.allocate(2, 3);
        assertEquals(Math.log(2), ref.sigmoidCrossEntropy(z, t, g), 1e-15);
        assertArrayEquals(new double[] {-0.5 / 6, 0.5 / 6, -0.5 / 6, 0.5 / 6, 0.5 / 6, -0.5 / 6}, g.toDoubles(), 1e-15);
    }

    @Test
    void sigmoidCrossEntropyIsStableAtLargeLogits() {
        Tensor z = vec(1000, 1000, -1000, -1000), t = vec(1, 0, 1, 0), g = ref.allocate(4);
        double loss = ref.sigmoidCrossEntropy(z, t, g);
        // per element: 0, 1000, 1000, 0 (a wrong answer at |z| = 1000 costs 1000, not infinity)
        assertEquals(500, loss, 1e-12);
        assertArrayEquals(new double[] {0, 0.25, -0.25, 0}, g.toDoubles(), 1e-15);
        Tensor z1 = vec(2), t1 = vec(0.25), g1 = ref.allocate(1);
        double s = 1 / (1 + Math.exp(-2));
        assertEquals(-0.25 * Math.log(s) - 0.75 * Math.log(1 - s), ref.sigmoidCrossEntropy(z1, t1, g1), 1e-14);
        assertEquals(s - 0.25, g1.toDoubles()[0], 1e-15);
    }

    @Test
    void softmaxCrossEntropyByHand() {
        // row 0: equal logits over 2 classes, p = (1/2, 1/2), loss ln 2; row 1: z = (ln 3, 0), p = (3/4, 1/4), t = class 1: loss ln 4
        Tensor z = of(new int[] {2, 2}, 0, 0, Math.log(3), 0), t = of(new int[] {2, 2}, 1, 0, 0, 1), g = ref.allocate(2, 2);
        double loss = ref.softmaxCrossEntropy(z, t, g, 2);
        assertEquals((Math.log(2) + Math.log(4)) / 4, loss, 1e-15, "the mean over rows and classes");
        assertArrayEquals(new double[] {-0.5 / 4, 0.5 / 4, 0.75 / 4, -0.75 / 4}, g.toDoubles(), 1e-15, "(p - t) / (rows x classes)");
    }

    @Test
    void softmaxCrossEntropyIsStableAtLargeLogits() {
        // exp(1000) overflows; with the row's maximum subtracted the wrong class costs its margin
        Tensor z = of(new int[] {2, 3}, 1000, 0, -1000, 1000, 1000, 0), t = of(new int[] {2, 3}, 0, 1, 0, 1, 0, 0);
        Tensor g = ref.allocate(2, 3);
        double loss = ref.softmaxCrossEntropy(z, t, g, 3);
        assertEquals((1000 + Math.log(2)) / 6, loss, 1e-12);
        double[] grad = g.toDoubles();
        for (double d : grad) assertTrue(Double.isFinite(d), java.util.Arrays.toString(grad));
        assertArrayEquals(new double[] {1.0 / 6, -1.0 / 6, 0, -0.5 / 6, 0.5 / 6, 0}, grad, 1e-12);
    }

    @Test
    void meanSquaredErrorByHand() {
        Tensor y = vec(1, 2, 3, 4), t = vec(1, 0, 4, 1), g = ref.allocate(4);
        assertEquals((0 + 4 + 1 + 9) / 4.0, ref.meanSquaredError(y, t, g), 1e-15);
        assertArrayEquals(new double[] {0, 2 * 2 / 4.0, 2 * -1 / 4.0, 2 * 3 / 4.0}, g.toDoubles(), 1e-15);
    }

    @Test
    void sgdWithMomentumMatchesHandComputedSteps() {
        // f(p) = (p - 3)^2 / 2, gradient p - 3, from p = 0, lr 0.1, momentum 0.9:
        // t=1: g = -3,    v = -3,                 p = 0.3
        // t=2: g = -2.7,  v = 0.9*-3 - 2.7 = -5.4, p = 0.84
        // t=3: g = -2.16, v = 0.9*-5.4 - 2.16 = -7.02, p = 1.542
        Tensor p = vec(0), v = ref.allocate(1), g = ref.allocate(1);
        org.marquee.engine.SgdConfig cfg = new org.marquee.engine.SgdConfig(0.1, 0.9);
        double[] expectedP = {0.3, 0.84, 1.542}, expectedV = {-3, -5.4, -7.02};
        for (int step = 0; step < 3; step++) {
            ref.upload(g, new double[] {p.toDoubles()[0] - 3});
            ref.sgdStep(p, g, v, cfg, 1);
            assertEquals(expectedP[step], p.toDoubles()[0], 1e-14, "p after step " + (step + 1));
            assertEquals(expectedV[step], v.toDoubles()[0], 1e-14, "v after step " + (step + 1));
        }
        // Nesterov looks ahead: g = -3, v = -3, p -= 0.1 * (g + 0.9 v) = 0.1 * 5.7; a clipped gradient enters scaled
        Tensor pn = vec(0), vn = ref.allocate(1);
        ref.sgdStep(pn, vec(-3), vn, cfg.withNesterov(true), 1);
        assertEquals(0.57, pn.toDoubles()[0], 1e-15);
        Tensor ps = vec(0), vs = ref.allocate(1);
        ref.sgdStep(ps, vec(-3), vs, cfg, 0.5);
        assertEquals(-1.5, vs.toDoubles()[0], 1e-15);
        assertEquals(0.15, ps.toDoubles()[0], 1e-15);
    }

    @Test
    void aClosedTensorCannotBeUsed() {
        Tensor t = vec(1, 2, 3);
        Tensor view = t.view(1, 2);
        t.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toDoubles);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ref.fill(view, 0), "a view of a closed storage");
    }

    @Test
    void adamOnAQuadraticMatchesHandComputedSteps() {
        // f(p) = (p - 3)^2 / 2, gradient p - 3, from p = 0 with lr 0.1 and Keras betas/epsilon.
        // t=1: g=-3, m=-0.3, v=0.009, p = 0.1*sqrt(0.001)/0.1 * 0.3/(sqrt(0.009)+1e-7)
        AdamConfig cfg = AdamConfig.keras().withLearningRate(0.1);
        Tensor p = vec(0), g = ref.allocate(1), m = ref.allocate(1), v = ref.allocate(1);
        double[][] expected = {     // m, v, p after each step
            {-0.29999999999999993, 0.009000000000000008, 0.09999989459085576},
            {-0.5600000105409144, 0.017401000611373063, 0.19989711190758108},
            {-0.7840102982960648, 0.025224175794665203, 0.29961823355259154},
        };
        for (int t = 1; t <= 3; t++) {
            ref.upload(g, new double[] {p.toDoubles()[0] - 3});
            ref.adamStep(p, g, m, v, cfg, t, 1.0);
            assertEquals(expected[t - 1][0], m.toDoubles()[0], 1e-15, "m at step " + t);
            assertEquals(expected[t - 1][1], v.toDoubles()[0], 1e-15, "v at step " + t);
            assertEquals(expected[t - 1][2], p.toDoubles()[0], 1e-14, "p at step " + t);
        }
        assertThrows(IllegalArgumentException.class, () -> ref.adamStep(p, g, m, v, cfg, 0, 1.0));
    }

    @Test
    void adamGradScaleScalesTheGradient() {
        AdamConfig cfg = AdamConfig.keras();
        Tensor p1 = vec(1), m1 = ref.allocate(1), v1 = ref.allocate(1);
        Tensor p2 = vec(1), m2 = ref.allocate(1), v2 = ref.allocate(1);
        ref.adamStep(p1, vec(4), m1, v1, cfg, 1, 0.25);
        ref.adamStep(p2, vec(1), m2, v2, cfg, 1, 1.0);
        assertArrayEquals(m2.toDoubles(), m1.toDoubles(), 0.0);
        assertArrayEquals(v2.toDoubles(), v1.toDoubles(), 0.0);
        assertArrayEquals(p2.toDoubles(), p1.toDoubles(), 0.0);
        assertFalse(p1.toDoubles()[0] == 1);
    }
}
