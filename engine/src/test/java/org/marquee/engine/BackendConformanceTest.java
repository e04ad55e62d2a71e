package org.marquee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The contract of {@link Backend}, checked primitive by primitive against {@link ReferenceBackend}
 * on seeded random input. A backend's test subclasses this and supplies {@link #backend()};
 * tolerances may be widened by overriding {@link #atol()} and {@link #rtol()}.
 *
 * <p>Every comparison is {@code |actual - expected| <= atol + rtol * |expected|}. GEMM results
 * get an extra absolute allowance that grows with the reduction length (float32 rounding of a
 * K-term dot product of inputs in [-1, 1]): {@link #gemmAtolPerTerm()} times K.
 *
 * <p>Tensors are views at non-zero offsets inside larger storages, so every primitive is also
 * checked for honouring {@link Tensor#offset()} and for writing nothing outside its view.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest {
    /**
     * The tag of the tests on the poster model's full-size shapes; a run under a simulator
     * (Oclgrind) leaves them out ({@code excludedGroups}).
     */
    public static final String LARGE = "large";


    /** The backend under test; called once per test class. */
    protected abstract Backend backend();

    protected double atol() { return 1e-5; }
    protected double rtol() { return 1e-5; }
    protected double gemmAtolPerTerm() { return 2e-7; }

    /** Guard value written around each view to detect stray writes. */
    private static final float GUARD = -12345.5f;
    private static final int PAD = 5;

    private Backend fast;
    private final ReferenceBackend ref = new ReferenceBackend();

    @BeforeAll
    void open() { fast = backend(); }

    @AfterAll
    void close() { if (fast != null) fast.close(); }

    // ---------------------------------------------------------------- helpers

    /** Uniform values in [-1, 1). */
    protected static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** A tensor holding {@code values}, placed {@code offset} elements into a larger guarded storage. */
    private static Tensor place(Backend b, float[] values, int offset, int... shape) {
        int n = Math.toIntExact(Shapes.size(shape));
        if (n != values.length) throw new IllegalArgumentException("values " + values.length + " vs shape " + n);
        Tensor whole = b.allocate(offset + n + PAD);
        float[] all = new float[offset + n + PAD];
        java.util.Arrays.fill(all, GUARD);
        System.arraycopy(values, 0, all, offset, n);
        b.upload(whole, all);
        return whole.view(offset, shape);
    }

    /** The same values on the backend under test and on the reference, at the given offset. */
    private Tensor[] pair(float[] values, int offset, int... shape) {
        return new Tensor[] {place(fast, values, offset, shape), place(ref, values, offset, shape)};
    }

    /** Checks that the storage around a view still holds the guard values. */
    private static void assertGuards(String what, Tensor view) {
        Backend b = view.backend();
        long cap = view.storage().capacity();
        Tensor all = new Tensor(b, view.storage(), 0, new int[] {Math.toIntExact(cap)}, false);   // a view of the whole storage
        float[] data = b.download(all);
        int from = (int) view.offset(), to = from + view.intSize();
        for (int i = 0; i < data.length; i++) {
            if ((i < from || i >= to) && data[i] != GUARD) {
                fail(what + ": wrote outside its view at storage index " + i + " (view " + from + ".." + to + ")");
            }
        }
    }

    private void assertClose(String what, Tensor actual, Tensor expected) {
        assertClose(what, actual.toDoubles(), expected.toDoubles(), atol(), rtol());
        assertGuards(what, actual);
    }

    protected static void assertClose(String what, double[] actual, double[] expected, double atol, double rtol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < actual.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(a) || !(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " (atol " + atol + ", rtol " + rtol + ")");
            }
        }
    }

    // ---------------------------------------------------------------- memory

    @Test
    void allocateIsZeroAndUploadDownloadRoundTrip() {
        Tensor t = fast.allocate(3, 7);
        assertArrayEquals(new float[21], t.toFloats());
        float[] v = random(1, 21);
        fast.upload(t, v);
        assertArrayEquals(v, t.toFloats());
        double[] d = new double[21];
        for (int i = 0; i < 21; i++) d[i] = v[i];
        fast.upload(t, d);
        assertArrayEquals(d, t.toDoubles());
        assertThrows(IllegalArgumentException.class, () -> fast.upload(t, new float[20]));
    }

    @Test
    void fillAndCopyHonourViews() {
        float[] v = random(2, 37);
        Tensor[] src = pair(v, 3, 37);
        Tensor[] dst = pair(random(3, 37), 11, 37);
        fast.copy(src[0], dst[0]);
        ref.copy(src[1], dst[1]);
        assertClose("copy", dst[0], dst[1]);
        fast.fill(dst[0], 2.5);
        ref.fill(dst[1], 2.5);
        assertClose("fill", dst[0], dst[1]);
        Tensor reshaped = fast.allocate(37);
        fast.copy(src[0].reshape(37), reshaped);
        assertArrayEquals(v, reshaped.toFloats());
    }

    // ---------------------------------------------------------------- gemm against the reference

    private void gemmCase(boolean ta, boolean tb, int m, int n, int k, double alpha, double beta, long seed) {
        float[] a = random(seed, m * k), b = random(seed + 1, k * n), c = random(seed + 2, m * n);
        int[] aShape = ta ? new int[] {k, m} : new int[] {m, k};
        int[] bShape = tb ? new int[] {n, k} : new int[] {k, n};
        Tensor[] A = pair(a, 1, aShape), B = pair(b, 2, bShape), C = pair(c, 3, m, n);
        fast.gemm(ta, tb, m, n, k, alpha, A[0], B[0], beta, C[0]);
        ref.gemm(ta, tb, m, n, k, alpha, A[1], B[1], beta, C[1]);
        String what = "gemm ta=" + ta + " tb=" + tb + " " + m + "x" + n + "x" + k + " alpha=" + alpha + " beta=" + beta;
        assertClose(what, C[0].toDoubles(), C[1].toDoubles(), atol() + gemmAtolPerTerm() * k * Math.abs(alpha), rtol());
        assertGuards(what, C[0]);
        assertArrayEquals(a, A[0].toFloats(), what + ": A changed");
        assertArrayEquals(b, B[0].toFloats(), what + ": B changed");
    }

    @Test
    void gemmAllTransposesAwkwardShapes() {
        int[][] shapes = {{1, 1, 1}, {1, 17, 5}, {7, 1, 3}, {5, 9, 1}, {13, 33, 17}, {31, 47, 29}, {65, 100, 70},
                {8, 32, 288}, {17, 130, 300}, {64, 95, 288}, {130, 70, 9}};
        long seed = 100;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                gemmCase((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1.0, 0.0, seed++);
            }
        }
    }

    @Test
    void gemmAlphaAndBeta() {
        long seed = 500;
        for (int t = 0; t < 4; t++) {
            gemmCase((t & 1) != 0, (t & 2) != 0, 19, 41, 23, 0.5, 1.0, seed++);
            gemmCase((t & 1) != 0, (t & 2) != 0, 19, 41, 23, -1.5, 0.25, seed++);
            gemmCase((t & 1) != 0, (t & 2) != 0, 70, 37, 600, 2.0, -1.0, seed++);
            gemmCase((t & 1) != 0, (t & 2) != 0, 13, 29, 2600, 0.5, 1.0, seed++); // long reduction, few columns
        }
    }

    @Test
    void gemmWithBetaZeroIgnoresNaNInC() {
        for (int t = 0; t < 8; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            int m = t < 4 ? 21 : 9, n = t < 4 ? 35 : 17, k = t < 4 ? 14 : 3000; // short and long reductions
            Tensor a = place(fast, random(7, m * k), 4, ta ? new int[] {k, m} : new int[] {m, k});
            Tensor b = place(fast, random(8, k * n), 0, tb ? new int[] {n, k} : new int[] {k, n});
            float[] nan = new float[m * n];
            java.util.Arrays.fill(nan, Float.NaN);
            Tensor c = place(fast, nan, 6, m, n);
            fast.gemm(ta, tb, m, n, k, 1.0, a, b, 0.0, c);
            for (float x : c.toFloats()) assertFalse(Float.isNaN(x), "beta=0 must overwrite NaN in C");
            assertGuards("gemm NaN", c);
        }
    }

    @Test
    void gemmRejectsTooSmallTensors() {
        Tensor a = fast.allocate(4, 5), b = fast.allocate(5, 6), c = fast.allocate(4, 5);
        assertThrows(IllegalArgumentException.class, () -> fast.gemm(false, false, 4, 6, 5, 1, a, b, 0, c));
    }

    // ---------------------------------------------------------------- gemm on the model's shapes (sampled)

    /**
     * The model's big GEMMs, checked on a sample of outputs recomputed in double here (the
     * reference backend would be the slow side). C starts random and beta is 1 so the
     * accumulate path (weight gradients) is covered too.
     */
    private void bigGemm(String name, boolean ta, boolean tb, int m, int n, int k, double beta, long seed) {
        float[] a = random(seed, m * k), b = random(seed + 1, k * n), c0 = random(seed + 2, m * n);
        Tensor A = place(fast, a, 0, ta ? new int[] {k, m} : new int[] {m, k});
        Tensor B = place(fast, b, 0, tb ? new int[] {n, k} : new int[] {k, n});
        Tensor C = place(fast, c0, 0, m, n);
        fast.gemm(ta, tb, m, n, k, 1.0, A, B, beta, C);
        float[] c = C.toFloats();
        SplittableRandom r = new SplittableRandom(seed);
        double tol = atol() + gemmAtolPerTerm() * k;
        for (int s = 0; s < 1500; s++) {
            int i = s < 4 ? (s & 1) * (m - 1) : r.nextInt(m);
            int j = s < 4 ? (s >> 1) * (n - 1) : r.nextInt(n);
            double sum = 0;
            for (int p = 0; p < k; p++) {
                double aip = ta ? a[p * m + i] : a[i * k + p];
                double bpj = tb ? b[j * k + p] : b[p * n + j];
                sum += aip * bpj;
            }
            double e = sum + beta * c0[i * n + j];
            double got = c[i * n + j];
            if (!(Math.abs(got - e) <= tol + rtol() * Math.abs(e))) {
                fail(name + ": C[" + i + "][" + j + "] = " + got + ", expected " + e + " (tol " + tol + ")");
            }
        }
    }

    @Test
    @Tag(LARGE)
    void gemmConv2ForwardShape() { bigGemm("conv2 forward", false, false, 64, 11881, 288, 0.0, 900); }

    @Test
    @Tag(LARGE)
    void gemmConv2WeightGradientShape() { bigGemm("conv2 dW", false, true, 64, 288, 11881, 1.0, 901); }

    @Test
    @Tag(LARGE)
    void gemmConv1WeightGradientShape() { bigGemm("conv1 dW", false, true, 32, 27, 49284, 1.0, 906); }

    @Test
    @Tag(LARGE)
    void gemmConv2InputGradientShape() { bigGemm("conv2 dcols", true, false, 288, 11881, 64, 0.0, 902); }

    @Test
    @Tag(LARGE)
    void gemmDenseShapes() {
        bigGemm("dense1 forward", false, false, 32, 128, 86528, 0.0, 903);
        bigGemm("dense1 dW", true, false, 86528, 128, 32, 1.0, 904);
        bigGemm("dense1 dX", false, true, 32, 86528, 128, 0.0, 905);
    }

    // ---------------------------------------------------------------- convolution helpers

    private void im2colCase(ConvGeometry g, long seed) {
        int in = g.c() * g.h() * g.w(), cols = g.patch() * g.positions();
        Tensor[] image = pair(random(seed, in), 3, g.c(), g.h(), g.w());
        Tensor[] col = pair(random(seed + 1, cols), 5, g.patch(), g.positions());
        fast.im2col(image[0], g, col[0]);
        ref.im2col(image[1], g, col[1]);
        assertClose("im2col " + g, col[0], col[1]);

        Tensor[] dimg = pair(random(seed + 2, in), 1, g.c(), g.h(), g.w());
        fast.col2imAdd(col[0], g, dimg[0]);
        ref.col2imAdd(col[1], g, dimg[1]);
        assertClose("col2imAdd " + g, dimg[0], dimg[1]);
    }

    @Test
    void im2colAndCol2imAwkwardGeometries() {
        long seed = 1000;
        ConvGeometry[] gs = {
            new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 0),
            new ConvGeometry(2, 5, 7, 3, 3, 3, 1, 0),
            new ConvGeometry(3, 9, 8, 4, 3, 3, 1, 1),
            new ConvGeometry(2, 11, 13, 2, 3, 2, 2, 1),
            new ConvGeometry(4, 10, 10, 2, 5, 5, 3, 2),
            new ConvGeometry(3, 37, 41, 5, 3, 3, 1, 0),
            new ConvGeometry(2, 6, 33, 1, 1, 3, 1, 0),
            new ConvGeometry(1, 4, 4, 1, 4, 4, 1, 3),
        };
        for (ConvGeometry g : gs) im2colCase(g, seed++);
    }

    @Test
    @Tag(LARGE)
    void im2colConv1Shape() { im2colCase(new ConvGeometry(3, 224, 224, 32, 3, 3, 1, 0), 1100); }

    @Test
    @Tag(LARGE)
    void im2colConv3Shape() { im2colCase(new ConvGeometry(64, 54, 54, 128, 3, 3, 1, 0), 1101); }

    // ---------------------------------------------------------------- convolution of a batch


    private void assertConvClose(String what, Tensor actual, Tensor expected, int terms) {
        assertClose(what, actual.toDoubles(), expected.toDoubles(), atol() + gemmAtolPerTerm() * terms, rtol());
        assertGuards(what, actual);
    }

    /** conv2d (with and without ReLU), conv2dWeightGrad (accumulating) and conv2dInputGrad (overwriting) on n images, views at offsets. */
    private void convCase(ConvGeometry g, int n, long seed) {
        int in = g.c() * g.h() * g.w(), out = g.k() * g.positions(), wsize = g.k() * g.patch();
        Tensor[] x = pair(random(seed, n * in), 3, n, g.c(), g.h(), g.w());
        Tensor[] w = pair(random(seed + 1, wsize), 2, g.k(), g.patch());
        Tensor[] bias = pair(random(seed + 2, g.k()), 1, g.k());
        Tensor[] y = pair(random(seed + 3, n * out), 4, n, g.k(), g.oh(), g.ow());
        try (ConvPlan fastPlan = fast.planConv(g); ConvPlan refPlan = ref.planConv(g)) {
            convCase(g, n, seed, x, w, bias, y, fastPlan, refPlan);
        }
    }

    private void convCase(ConvGeometry g, int n, long seed, Tensor[] x, Tensor[] w, Tensor[] bias, Tensor[] y,
                          ConvPlan fastPlan, ConvPlan refPlan) {
        int in = g.c() * g.h() * g.w(), out = g.k() * g.positions(), wsize = g.k() * g.patch();
        fast.conv2d(fastPlan, x[0], w[0], bias[0], n, y[0]);
        ref.conv2d(refPlan, x[1], w[1], bias[1], n, y[1]);
        assertConvClose("conv2d " + g + " n=" + n, y[0], y[1], g.patch());
        Tensor[] yr = pair(random(seed + 8, n * out), 3, n, g.k(), g.oh(), g.ow());
        fast.relu(y[0], yr[0]);
        ref.relu(y[1], yr[1]);
        if (g.oh() >= 2 && g.ow() >= 2) poolAfterConv(g, n, x, w, bias, yr[0], fastPlan, refPlan, seed + 9);

        Tensor[] dy = pair(random(seed + 4, n * out), 6, n, g.k(), g.oh(), g.ow());
        Tensor[] dw = pair(random(seed + 5, wsize), 7, g.k(), g.patch());
        Tensor[] db = pair(random(seed + 7, g.k()), 2, g.k());
        fast.conv2dWeightGrad(fastPlan, x[0], dy[0], n, dw[0], db[0]);
        ref.conv2dWeightGrad(refPlan, x[1], dy[1], n, dw[1], db[1]);
        assertConvClose("conv2dWeightGrad " + g + " n=" + n, dw[0], dw[1], n * g.positions());
        assertConvClose("conv2dWeightGrad bias " + g + " n=" + n, db[0], db[1], n * g.positions());

        Tensor[] dx = pair(random(seed + 6, n * in), 8, n, g.c(), g.h(), g.w());
        fast.conv2dInputGrad(fastPlan, dy[0], w[0], n, dx[0]);
        ref.conv2dInputGrad(refPlan, dy[1], w[1], n, dx[1]);
        assertConvClose("conv2dInputGrad " + g + " n=" + n, dx[0], dx[1], g.k() * g.kh() * g.kw());
    }

    /**
     * conv2dMaxPool: pooled close to the reference's, and pooled and winners exactly those of
     * maxPool2x2 over the backend's own conv2d output after its relu, {@code yr} (ties follow the
     * same rule), whether or not the backend keeps that output on its route.
     */
    private void poolAfterConv(ConvGeometry g, int n, Tensor[] x, Tensor[] w, Tensor[] bias, Tensor yr,
                               ConvPlan fastPlan, ConvPlan refPlan, long seed) {
        int o = n * g.k() * (g.oh() / 2) * (g.ow() / 2);
        Tensor[] pooled = pair(random(seed + 1, o), 3, o), arg = pair(random(seed + 2, o), 1, o);
        fast.conv2dMaxPool(fastPlan, x[0], w[0], bias[0], n, pooled[0], arg[0]);
        ref.conv2dMaxPool(refPlan, x[1], w[1], bias[1], n, pooled[1], arg[1]);
        String what = "conv2dMaxPool " + g + " n=" + n + " (" + fastPlan.route() + ")";
        assertConvClose(what + " pooled", pooled[0], pooled[1], g.patch());
        assertGuards(what + " argmax", arg[0]);
        Tensor ownPooled = fast.allocate(o), ownArg = fast.allocate(o);
        fast.maxPool2x2(yr, n * g.k(), g.oh(), g.ow(), ownPooled, ownArg);
        assertArrayEquals(ownPooled.toFloats(), pooled[0].toFloats(), what + ": pooled vs maxPool2x2 of conv2d's y");
        assertArrayEquals(ownArg.toFloats(), arg[0].toFloats(), what + ": winners vs maxPool2x2 of conv2d's y");

        // backward from the pooled gradient, with the same winners on both backends
        Tensor[] winners = pair(arg[0].toFloats(), 2, n, g.k(), g.oh() / 2, g.ow() / 2);
        Tensor[] dpool = pair(random(seed + 3, o), 1, n, g.k(), g.oh() / 2, g.ow() / 2);
        Tensor[] dw = pair(random(seed + 4, g.k() * g.patch()), 3, g.k(), g.patch());
        Tensor[] db = pair(random(seed + 5, g.k()), 1, g.k());
        Tensor[] dx = pair(random(seed + 6, n * g.c() * g.h() * g.w()), 2, n, g.c(), g.h(), g.w());
        fast.conv2dPooledBackward(fastPlan, x[0], dpool[0], winners[0], w[0], n, dw[0], db[0], dx[0]);
        ref.conv2dPooledBackward(refPlan, x[1], dpool[1], winners[1], w[1], n, dw[1], db[1], dx[1]);
        String back = "conv2dPooledBackward " + g + " n=" + n;
        assertConvClose(back + " dw", dw[0], dw[1], n * g.positions());
        assertConvClose(back + " db", db[0], db[1], n * g.positions());
        assertConvClose(back + " dx", dx[0], dx[1], g.k() * g.kh() * g.kw());
    }

    @Test
    void convolutionAwkwardGeometries() {
        long seed = 1300;
        Object[][] cases = {
            {new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 0), 1},
            {new ConvGeometry(2, 5, 7, 3, 3, 3, 1, 0), 2},       // narrower than one vector panel
            {new ConvGeometry(3, 9, 8, 4, 3, 3, 1, 1), 3},       // padding
            {new ConvGeometry(2, 11, 13, 2, 3, 2, 2, 1), 2},     // stride 2
            {new ConvGeometry(3, 6, 40, 9, 3, 3, 1, 0), 2},      // one full panel and a tail; K not a multiple of 8
            {new ConvGeometry(2, 7, 66, 17, 1, 3, 1, 0), 2},     // exactly two panels per row
            {new ConvGeometry(4, 10, 10, 2, 5, 5, 1, 2), 1},
            {new ConvGeometry(1, 4, 4, 1, 4, 4, 1, 3), 2},       // padding one less than the kernel
            {new ConvGeometry(2, 5, 5, 3, 1, 1, 1, 1), 2},       // padding as large as the kernel
            {new ConvGeometry(3, 12, 35, 33, 2, 4, 1, 1), 3},    // rectangular kernel, padded
            {new ConvGeometry(5, 3, 70, 6, 3, 3, 1, 0), 5},      // one output row per image
            {new ConvGeometry(8, 9, 20, 5, 3, 3, 1, 1), 2},      // 72 taps, not a multiple of the vector panel
            {new ConvGeometry(20, 6, 45, 12, 3, 3, 1, 0), 2},    // rows ending in less than one vector
            {new ConvGeometry(11, 7, 40, 6, 2, 3, 1, 0), 2},     // 66 taps: 3-wide runs that do not fill whole tiles
            {new ConvGeometry(5, 8, 30, 7, 4, 4, 1, 1), 2},      // 80 taps, 4 wide
        };
        for (Object[] c : cases) convCase((ConvGeometry) c[0], (Integer) c[1], seed++);
    }

    @Test
    @Tag(LARGE)
    void convolutionPosterModelShapes() {
        convCase(new ConvGeometry(3, 224, 224, 32, 3, 3, 1, 0), 1, 1320);
        convCase(new ConvGeometry(32, 111, 111, 64, 3, 3, 1, 0), 1, 1321);
        convCase(new ConvGeometry(64, 54, 54, 128, 3, 3, 1, 0), 2, 1322);
    }

    @Test
    void biasForwardAndGradient() {
        int[][] cases = {{1, 1, 1}, {2, 3, 5}, {4, 32, 49}, {3, 7, 1}, {32, 27, 1}, {2, 64, 121}};
        long seed = 1200;
        for (int[] s : cases) {
            int n = s[0] * s[1] * s[2];
            Tensor[] y = pair(random(seed, n), 2, n);
            Tensor[] bias = pair(random(seed + 1, s[1]), 1, s[1]);
            fast.addBias(y[0], bias[0], s[0], s[1], s[2]);
            ref.addBias(y[1], bias[1], s[0], s[1], s[2]);
            assertClose("addBias " + java.util.Arrays.toString(s), y[0], y[1]);

            Tensor[] db = pair(random(seed + 2, s[1]), 3, s[1]);
            fast.biasGrad(y[0], db[0], s[0], s[1], s[2]);
            ref.biasGrad(y[1], db[1], s[0], s[1], s[2]);
            assertClose("biasGrad " + java.util.Arrays.toString(s), db[0].toDoubles(), db[1].toDoubles(),
                    atol() * n, rtol());
            assertGuards("biasGrad", db[0]);
            seed += 3;
        }
    }

    // ---------------------------------------------------------------- activations

    private static final int[] SIZES = {1, 7, 16, 33, 1000, 12345};

    @Test
    void reluSeparateAndInPlace() {
        long seed = 1300;
        for (int n : SIZES) {
            float[] v = random(seed++, n);
            Tensor[] x = pair(v, 1, n), y = pair(random(seed++, n), 4, n);
            fast.relu(x[0], y[0]);
            ref.relu(x[1], y[1]);
            assertClose("relu " + n, y[0], y[1]);
            fast.relu(x[0], x[0]);
            ref.relu(x[1], x[1]);
            assertClose("relu in place " + n, x[0], x[1]);
        }
    }

    @Test
    void reluBackwardOverwrites() {
        long seed = 1450;
        for (int n : SIZES) {
            float[] yv = random(seed++, n);
            for (int i = 0; i < n; i += 5) yv[i] = 0f; // exact zeros pass no gradient
            float[] stale = new float[n];
            java.util.Arrays.fill(stale, Float.NaN);
            Tensor[] y = pair(yv, 2, n), dy = pair(random(seed++, n), 3, n), dx = pair(stale, 1, n);
            fast.reluBackward(y[0], dy[0], dx[0]);
            ref.reluBackward(y[1], dy[1], dx[1]);
            assertClose("reluBackward " + n, dx[0], dx[1]);
            // In place, as the ReLU layer does between two layers: dx written over dy.
            fast.reluBackward(y[0], dy[0], dy[0]);
            ref.reluBackward(y[1], dy[1], dy[1]);
            assertClose("reluBackward in place " + n, dy[0], dy[1]);
        }
    }

    @Test
    void sigmoidIncludingLargeMagnitudes() {
        long seed = 1500;
        for (int n : SIZES) {
            float[] v = random(seed++, n);
            for (int i = 0; i < n; i++) v[i] *= (i % 3 == 0) ? 100 : 8;
            Tensor[] x = pair(v, 3, n), y = pair(new float[n], 2, n);
            fast.sigmoid(x[0], y[0]);
            ref.sigmoid(x[1], y[1]);
            assertClose("sigmoid " + n, y[0], y[1]);
            fast.sigmoid(x[0], x[0]);
            ref.sigmoid(x[1], x[1]);
            assertClose("sigmoid in place " + n, x[0], x[1]);
        }
    }

    // ---------------------------------------------------------------- pooling

    private void poolCase(int planes, int h, int w, long seed) {
        float[] v = random(seed, planes * h * w);
        for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i] * 3) / 3f; // many ties
        int o = planes * (h / 2) * (w / 2);
        Tensor[] x = pair(v, 1, planes, h, w), y = pair(new float[o], 2, o), arg = pair(new float[o], 3, o);
        fast.maxPool2x2(x[0], planes, h, w, y[0], arg[0]);
        ref.maxPool2x2(x[1], planes, h, w, y[1], arg[1]);
        String what = "maxPool " + planes + "x" + h + "x" + w;
        assertClose(what, y[0], y[1]);
        assertArrayEquals(arg[1].toFloats(), arg[0].toFloats(), what + ": argmax");
        assertGuards(what + " argmax", arg[0]);

        // overwriting: stale NaNs in dx (trailing odd rows and columns included) must all be replaced
        Tensor[] dy = pair(random(seed + 1, o), 4, o);
        float[] stale = new float[planes * h * w];
        java.util.Arrays.fill(stale, Float.NaN);
        Tensor[] dx = pair(stale, 2, planes * h * w);
        fast.maxPool2x2Backward(dy[0], arg[0], planes, h, w, dx[0]);
        ref.maxPool2x2Backward(dy[1], arg[1], planes, h, w, dx[1]);
        assertClose(what + " backward", dx[0], dx[1]);
    }

    @Test
    void maxPoolAwkwardShapes() {
        poolCase(1, 2, 2, 1600);
        poolCase(3, 5, 7, 1601);
        poolCase(2, 9, 66, 1602);
        poolCase(5, 34, 35, 1603);
        poolCase(3, 19, 70, 1604);
        poolCase(4, 109, 109, 1605);
    }

    @Test
    @Tag(LARGE)
    void maxPoolConv1Shape() { poolCase(32, 222, 222, 1610); }

    // ---------------------------------------------------------------- dropout and elementwise

    @Test
    void dropoutMaskMatchesTheHashExactly() {
        // 100,003 elements: long enough to be split between threads, so chunks start past index 0
        int[] sizes = java.util.Arrays.copyOf(SIZES, SIZES.length + 1);
        sizes[SIZES.length] = 100_003;
        for (double rate : new double[] {0.0, 0.25, 0.3, 0.5, 0.9}) {
            for (int n : sizes) {
                Tensor[] mask = pair(random(n, n), 3, n);
                fast.dropoutMask(mask[0], 42L, 7L + n, rate);
                ref.dropoutMask(mask[1], 42L, 7L + n, rate);
                assertArrayEquals(mask[1].toFloats(), mask[0].toFloats(), "dropout mask n=" + n + " rate=" + rate);
                assertGuards("dropout", mask[0]);
            }
        }
    }

    @Test
    void dropoutMaskOfAShardIsThatPartOfTheWholeMask() {
        // a batch of 3 rows of 1,001 elements: each row's mask drawn on its own, starting at the row's
        // first index, equals that row of the whole batch's mask (data-parallel shards rely on it)
        int row = 1_001, rows = 3;
        for (double rate : new double[] {0.25, 0.5}) {
            Tensor[] whole = pair(random(5, rows * row), 3, rows * row);
            fast.dropoutMask(whole[0], 42L, 9L, rate);
            float[] expected = whole[0].toFloats();
            for (int r = 0; r < rows; r++) {
                Tensor[] part = pair(random(6 + r, row), 3, row);
                fast.dropoutMask(part[0], 42L, 9L, (long) r * row, rate);
                ref.dropoutMask(part[1], 42L, 9L, (long) r * row, rate);
                float[] want = java.util.Arrays.copyOfRange(expected, r * row, (r + 1) * row);
                assertArrayEquals(want, part[0].toFloats(), "shard row " + r + " rate " + rate);
                assertArrayEquals(want, part[1].toFloats(), "reference shard row " + r + " rate " + rate);
                assertGuards("dropout shard", part[0]);
            }
        }
    }

    @Test
    void multiplyWrites() {
        long seed = 1700;
        for (int n : SIZES) {
            Tensor[] out = pair(random(seed++, n), 3, n);
            Tensor[] a = pair(random(seed++, n), 1, n), b = pair(random(seed++, n), 2, n);
            fast.multiply(a[0], b[0], out[0]);
            ref.multiply(a[1], b[1], out[1]);
            assertClose("multiply n=" + n, out[0], out[1]);
            // In place, as the Dropout layer does between two layers: out is the first operand.
            fast.multiply(a[0], b[0], a[0]);
            ref.multiply(a[1], b[1], a[1]);
            assertClose("multiply in place n=" + n, a[0], a[1]);
        }
    }

    // ---------------------------------------------------------------- loss and optimizer

    @Test
    void sigmoidCrossEntropyLossAndGradient() {
        long seed = 1800;
        for (int n : new int[] {1, 27, 32 * 27, 1001}) {
            float[] z = random(seed++, n);
            for (int i = 0; i < n; i++) z[i] *= (i % 4 == 0) ? 60 : 5;
            float[] t = new float[n];
            SplittableRandom r = new SplittableRandom(seed++);
            for (int i = 0; i < n; i++) t[i] = r.nextInt(4) == 0 ? 1f : 0f;
            Tensor[] zl = pair(z, 2, n), tg = pair(t, 1, n), g = pair(random(seed++, n), 3, n);
            double lf = fast.sigmoidCrossEntropy(zl[0], tg[0], g[0]);
            double lr = ref.sigmoidCrossEntropy(zl[1], tg[1], g[1]);
            assertTrue(Math.abs(lf - lr) <= atol() + rtol() * Math.abs(lr), "loss " + lf + " vs " + lr + " n=" + n);
            assertClose("BCE grad n=" + n, g[0].toDoubles(), g[1].toDoubles(), atol() / n, rtol());
            assertGuards("BCE grad", g[0]);
        }
    }

    @Test
    void softmaxCrossEntropyLossAndGradient() {
        long seed = 1850;
        // rows x classes: one class, one row, the poster model's 27 genres, a batch of 10 classes, odd sizes
        int[][] shapes = {{5, 1}, {1, 27}, {32, 27}, {128, 10}, {7, 33}};
        for (int[] shape : shapes) {
            int rows = shape[0], classes = shape[1], n = rows * classes;
            float[] z = random(seed++, n);
            for (int i = 0; i < n; i++) z[i] *= (i % 5 == 0) ? 80 : 6;     // large logits: only max subtraction keeps exp finite
            float[] t = new float[n];
            SplittableRandom r = new SplittableRandom(seed++);
            for (int row = 0; row < rows; row++) t[row * classes + r.nextInt(classes)] = 1f;
            Tensor[] zl = pair(z, 2, rows, classes), tg = pair(t, 1, rows, classes), g = pair(random(seed++, n), 3, rows, classes);
            double lf = fast.softmaxCrossEntropy(zl[0], tg[0], g[0], classes);
            double lr = ref.softmaxCrossEntropy(zl[1], tg[1], g[1], classes);
            assertTrue(Double.isFinite(lr) && lr >= 0, "reference loss " + lr);
            assertTrue(Math.abs(lf - lr) <= atol() + rtol() * Math.abs(lr), "loss " + lf + " vs " + lr + " " + rows + "x" + classes);
            assertClose("softmax CE grad " + rows + "x" + classes, g[0].toDoubles(), g[1].toDoubles(), atol() / n, rtol());
            assertGuards("softmax CE grad", g[0]);
            // the deferred form writes the same gradient and gives the same loss
            Tensor[] later = pair(random(seed++, n), 4, rows, classes);
            java.util.function.DoubleSupplier deferred = fast.softmaxCrossEntropyLater(zl[0], tg[0], later[0], classes);
            assertClose("softmax CE later grad", later[0].toDoubles(), g[0].toDoubles(), 0, 0);
            assertEquals(lf, deferred.getAsDouble(), 1e-12 * Math.max(1, Math.abs(lf)), "softmax CE later loss");
        }
        Tensor[] odd = pair(new float[10], 0, 10);
        assertThrows(IllegalArgumentException.class, () -> fast.softmaxCrossEntropy(odd[0], odd[0], odd[0], 3),
                "10 elements are not rows of 3 classes");
    }

    @Test
    void meanSquaredErrorLossAndGradient() {
        long seed = 1870;
        for (int n : new int[] {1, 27, 32 * 27, 1001}) {
            float[] y = random(seed++, n), t = random(seed++, n);
            for (int i = 0; i < n; i++) y[i] *= 3;
            Tensor[] yl = pair(y, 2, n), tg = pair(t, 1, n), g = pair(random(seed++, n), 3, n);
            double lf = fast.meanSquaredError(yl[0], tg[0], g[0]);
            double lr = ref.meanSquaredError(yl[1], tg[1], g[1]);
            assertTrue(Math.abs(lf - lr) <= atol() + rtol() * Math.abs(lr), "loss " + lf + " vs " + lr + " n=" + n);
            assertClose("MSE grad n=" + n, g[0].toDoubles(), g[1].toDoubles(), atol() / n, rtol());
            assertGuards("MSE grad", g[0]);
            Tensor[] later = pair(random(seed++, n), 4, n);
            java.util.function.DoubleSupplier deferred = fast.meanSquaredErrorLater(yl[0], tg[0], later[0]);
            assertClose("MSE later grad", later[0].toDoubles(), g[0].toDoubles(), 0, 0);
            assertEquals(lf, deferred.getAsDouble(), 1e-12 * Math.max(1, Math.abs(lf)), "MSE later loss");
        }
    }

    @Test
    void sumOfSquares() {
        long seed = 1900;
        for (int n : new int[] {1, 7, 33, 100_003}) {
            Tensor[] x = pair(random(seed++, n), 3, n);
            double f = fast.sumOfSquares(x[0]), r = ref.sumOfSquares(x[1]);
            assertTrue(Math.abs(f - r) <= 1e-9 * n + 1e-12 * Math.abs(r), "sumOfSquares n=" + n + ": " + f + " vs " + r);
        }
    }

    @Test
    void sgdStepsMatch() {
        long seed = 2050;
        SgdConfig[] configs = {new SgdConfig(0.05, 0.9), new SgdConfig(0.05, 0.9).withNesterov(true), new SgdConfig(0.1, 0)};
        for (SgdConfig cfg : configs) {
            // every size for classical momentum; Nesterov and plain SGD differ only in the arithmetic
            for (int n : cfg == configs[0] ? SIZES : new int[] {7, 1000}) {
                Tensor[] p = pair(random(seed++, n), 1, n), v = pair(new float[n], 2, n);
                for (int t = 1; t <= 3; t++) {
                    Tensor[] g = pair(random(seed++, n), 4, n);
                    double scale = t == 2 ? 0.5 : 1.0;
                    fast.sgdStep(p[0], g[0], v[0], cfg, scale);
                    ref.sgdStep(p[1], g[1], v[1], cfg, scale);
                }
                assertClose("sgd params n=" + n + " " + cfg, p[0], p[1]);
                assertClose("sgd velocity n=" + n + " " + cfg, v[0], v[1]);
                assertGuards("sgd params", p[0]);
                assertGuards("sgd velocity", v[0]);
            }
        }
    }

    @Test
    void adamStepsMatch() {
        long seed = 2000;
        AdamConfig cfg = AdamConfig.keras().withLearningRate(0.01);
        for (int n : SIZES) {
            Tensor[] p = pair(random(seed++, n), 1, n), m = pair(new float[n], 2, n), v = pair(new float[n], 3, n);
            for (int t = 1; t <= 3; t++) {
                Tensor[] g = pair(random(seed++, n), 4, n);
                double scale = t == 2 ? 0.5 : 1.0;
                fast.adamStep(p[0], g[0], m[0], v[0], cfg, t, scale);
                ref.adamStep(p[1], g[1], m[1], v[1], cfg, t, scale);
            }
            assertClose("adam params n=" + n, p[0], p[1]);
            assertClose("adam m n=" + n, m[0], m[1]);
            assertClose("adam v n=" + n, v[0], v[1]);
        }
    }
}
