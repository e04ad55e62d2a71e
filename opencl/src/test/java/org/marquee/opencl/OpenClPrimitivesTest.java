package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.DropoutHash;
import org.marquee.engine.SgdConfig;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Optimizer;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/** Every non-GEMM primitive on seeded random input against the float64 reference, on offset views. */
class OpenClPrimitivesTest {
    private static final double ATOL = 1e-5, RTOL = 1e-5;
    private static OpenClBackend ocl;
    private static final ReferenceBackend REF = new ReferenceBackend();
    private final Random rnd = new Random(42);

    @BeforeAll
    static void open() { ocl = OpenClRequirement.backend(); }

    @AfterAll
    static void close() { if (ocl != null) ocl.close(); }

    private Pair random(int... shape) { return Pair.random(REF, ocl, rnd, shape); }

    @Test
    void uploadDownloadFillAndCopy() {
        Pair a = random(5, 7);
        a.assertClose("upload", 0, 0);
        REF.fill(a.ref(), -2.5);
        ocl.fill(a.ocl(), -2.5);
        a.assertClose("fill", 0, 0);
        Pair b = random(35);
        REF.copy(b.ref(), a.ref());
        ocl.copy(b.ocl(), a.ocl());
        a.assertClose("copy", 0, 0);
    }

    @Test
    void copyBetweenOverlappingViewsOfOneBuffer() {
        Tensor r = REF.allocate(20), o = ocl.allocate(20);
        double[] v = new double[20];
        for (int i = 0; i < v.length; i++) v[i] = i;
        REF.upload(r, v);
        ocl.upload(o, v);
        REF.copy(r.view(2, 10), r.view(5, 10));
        ocl.copy(o.view(2, 10), o.view(5, 10));
        assertArrayEquals(r.toDoubles(), o.toDoubles());
    }

    @ParameterizedTest(name = "C={0} H={1} W={2} k={3} stride={4} pad={5}")
    @CsvSource({"1,5,5,3,1,1", "3,7,6,3,2,0", "2,8,5,1,1,0", "3,9,11,3,2,1", "2,4,4,4,1,0"})
    void im2colAndCol2imAdd(int c, int h, int w, int k, int stride, int pad) {
        ConvGeometry g = new ConvGeometry(c, h, w, 4, k, k, stride, pad);
        Pair image = random(c, h, w);
        Pair cols = random(g.patch(), g.positions());
        REF.im2col(image.ref(), g, cols.ref());
        ocl.im2col(image.ocl(), g, cols.ocl());
        cols.assertClose("im2col", 0, 0);
        Pair grads = random(g.patch(), g.positions());
        REF.col2imAdd(grads.ref(), g, image.ref());
        ocl.col2imAdd(grads.ocl(), g, image.ocl());
        image.assertClose("col2imAdd", ATOL, RTOL);
    }

    @Test
    void biasAddAndGradient() {
        int outer = 3, channels = 5, inner = 7;
        Pair y = random(outer, channels, inner);
        Pair bias = random(channels);
        REF.addBias(y.ref(), bias.ref(), outer, channels, inner);
        ocl.addBias(y.ocl(), bias.ocl(), outer, channels, inner);
        y.assertClose("addBias", ATOL, RTOL);
        REF.biasGrad(y.ref(), bias.ref(), outer, channels, inner);
        ocl.biasGrad(y.ocl(), bias.ocl(), outer, channels, inner);
        bias.assertClose("biasGrad", 1e-4, RTOL);
    }

    @Test
    void biasGradientOverLongRows() {
        int outer = 2, channels = 3, inner = 50_000;   // conv1's rows are ~49,000 long
        Pair dy = random(outer, channels, inner);
        Pair db = random(channels);
        REF.biasGrad(dy.ref(), db.ref(), outer, channels, inner);
        ocl.biasGrad(dy.ocl(), db.ocl(), outer, channels, inner);
        db.assertClose("biasGrad long", 1e-3, 1e-5);
    }

    @Test
    void reluForwardBackwardAndSigmoid() {
        Pair x = random(4, 33);
        Pair y = random(4, 33);
        REF.relu(x.ref(), y.ref());
        ocl.relu(x.ocl(), y.ocl());
        y.assertClose("relu", 0, 0);
        Pair dy = random(4, 33);
        Pair dx = random(4, 33);
        REF.reluBackward(y.ref(), dy.ref(), dx.ref());
        ocl.reluBackward(y.ocl(), dy.ocl(), dx.ocl());
        dx.assertClose("reluBackward", ATOL, RTOL);
        double[] big = new double[132];
        for (int i = 0; i < big.length; i++) big[i] = (i - 66) * 1.7;   // includes +-100, far past overflow of exp(-x) in float
        x.set(big);
        REF.sigmoid(x.ref(), x.ref());
        ocl.sigmoid(x.ocl(), x.ocl());
        x.assertClose("sigmoid in place", 1e-6, 1e-5);
    }

    @ParameterizedTest(name = "planes={0} H={1} W={2}")
    @CsvSource({"3,6,8", "2,7,5", "1,2,2", "2,5,6", "1,6,3"})
    void maxPoolForwardAndBackward(int planes, int h, int w) {
        Pair x = random(planes, h, w);
        Pair y = random(planes, h / 2, w / 2);
        Pair arg = random(planes, h / 2, w / 2);
        REF.maxPool2x2(x.ref(), planes, h, w, y.ref(), arg.ref());
        ocl.maxPool2x2(x.ocl(), planes, h, w, y.ocl(), arg.ocl());
        y.assertClose("maxPool", 0, 0);
        arg.assertClose("argmax", 0, 0);
        Pair dy = random(planes, h / 2, w / 2);
        Pair dx = random(planes, h, w);
        REF.maxPool2x2Backward(dy.ref(), arg.ref(), planes, h, w, dx.ref());
        ocl.maxPool2x2Backward(dy.ocl(), arg.ocl(), planes, h, w, dx.ocl());
        dx.assertClose("maxPoolBackward", ATOL, RTOL);
    }

    @Test
    void maxPoolTiesGoToTheFirst() {
        Pair x = Pair.zeros(REF, ocl, 1, 2, 2);
        x.set(new double[] {1, 3, 3, 2});
        Pair y = Pair.zeros(REF, ocl, 1, 1, 1), arg = Pair.zeros(REF, ocl, 1, 1, 1);
        ocl.maxPool2x2(x.ocl(), 1, 2, 2, y.ocl(), arg.ocl());
        assertEquals(1f, arg.ocl().toFloats()[0]);
    }

    @ParameterizedTest(name = "rate={0}")
    @ValueSource(doubles = {0.0, 0.25, 0.5, 0.3, 0.999, 1e-9})
    void dropoutMaskIsDropoutHashExactly(double rate) {
        int n = 10_007;
        Tensor mask = ocl.allocate(n + 5).view(5, n);
        long seed = 0x5EEDL * 977, step = 12345;
        ocl.dropoutMask(mask, seed, step, rate);
        float[] got = mask.toFloats();
        for (int i = 0; i < n; i++) {
            float want = (float) DropoutHash.maskValue(seed, step, i, rate);
            if (got[i] != want) {
                throw new AssertionError("mask[" + i + "] = " + got[i] + ", DropoutHash gives " + want + " (rate " + rate + ")");
            }
        }
    }

    @Test
    void dropoutWithNegativeSeedAndStep() {
        Tensor mask = ocl.allocate(300);
        ocl.dropoutMask(mask, -7L, Long.MIN_VALUE + 3, 0.5);
        float[] got = mask.toFloats();
        for (int i = 0; i < got.length; i++) assertEquals((float) DropoutHash.maskValue(-7L, Long.MIN_VALUE + 3, i, 0.5), got[i], "index " + i);
    }

    @Test
    void multiply() {
        Pair a = random(61), b = random(61), out = random(61);
        REF.multiply(a.ref(), b.ref(), out.ref());
        ocl.multiply(a.ocl(), b.ocl(), out.ocl());
        out.assertClose("multiply", ATOL, RTOL);
    }

    @Test
    void sigmoidCrossEntropy() {
        Pair z = random(2, 27), t = Pair.zeros(REF, ocl, 2, 27), g = random(2, 27);
        double[] logits = z.ref().toDoubles(), targets = new double[54];
        for (int i = 0; i < 54; i++) { logits[i] *= 8; targets[i] = i % 3 == 0 ? 1 : 0; }
        logits[0] = 40;
        logits[1] = -40;
        z.set(logits);
        t.set(targets);
        double lr = REF.sigmoidCrossEntropy(z.ref(), t.ref(), g.ref());
        double lo = ocl.sigmoidCrossEntropy(z.ocl(), t.ocl(), g.ocl());
        assertEquals(lr, lo, 1e-5 * Math.abs(lr));
        g.assertClose("bce grad", 1e-7, 1e-5);
    }

    @Test
    void theLossReadLaterIsTheLossAndOutlivesLaterWork() {
        Pair z = random(3, 27), t = Pair.zeros(REF, ocl, 3, 27), g = random(3, 27);
        double[] targets = new double[81];
        for (int i = 0; i < 81; i++) targets[i] = i % 4 == 0 ? 1 : 0;
        t.set(targets);
        double expected = REF.sigmoidCrossEntropy(z.ref(), t.ref(), g.ref());
        long flushes = ocl.flushes(), reads = ocl.hostTransfers().reads();
        java.util.function.DoubleSupplier later = ocl.sigmoidCrossEntropyLater(z.ocl(), t.ocl(), g.ocl());
        assertTrue(ocl.flushes() > flushes, "the loss is flushed to the device, not waited for");
        assertEquals(reads, ocl.hostTransfers().reads(), "nothing read until asked");
        // more work through the same scratch and reduction buffers before the host asks
        Pair other = random(5000);
        ocl.sumOfSquares(other.ocl());
        ocl.sigmoidCrossEntropy(g.ocl(), t.ocl(), z.ocl());
        java.util.function.DoubleSupplier second = ocl.sigmoidCrossEntropyLater(z.ocl(), t.ocl(), g.ocl());
        assertEquals(expected, later.getAsDouble(), 1e-5 * Math.abs(expected));
        assertEquals(later.getAsDouble(), later.getAsDouble(), "asked twice, read once");
        assertEquals(reads + 3, ocl.hostTransfers().reads(), "the sum of squares, the eager loss and this one");
        second.getAsDouble();
        // a loss asked for after more than LOSS_SLOTS later ones finds its slot reused
        java.util.function.DoubleSupplier stale = ocl.sigmoidCrossEntropyLater(z.ocl(), t.ocl(), g.ocl());
        for (int i = 0; i < OpenClBackend.LOSS_SLOTS; i++) ocl.sigmoidCrossEntropyLater(z.ocl(), t.ocl(), g.ocl());
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, stale::getAsDouble);
        assertTrue(e.getMessage().contains("reused"), e.getMessage());
    }

    @Test
    void sumOfSquares() {
        Pair x = random(100_003);
        assertEquals(REF.sumOfSquares(x.ref()), ocl.sumOfSquares(x.ocl()), 1e-6 * REF.sumOfSquares(x.ref()));
        Pair one = random(1);
        assertEquals(REF.sumOfSquares(one.ref()), ocl.sumOfSquares(one.ocl()), 1e-7);
    }

    @Test
    void adamSteps() {
        Pair p = random(1000), m = Pair.zeros(REF, ocl, 1000), v = Pair.zeros(REF, ocl, 1000);
        AdamConfig cfg = AdamConfig.keras();
        for (long t = 1; t <= 3; t++) {
            Pair g = random(1000);
            REF.adamStep(p.ref(), g.ref(), m.ref(), v.ref(), cfg, t, 0.7);
            ocl.adamStep(p.ocl(), g.ocl(), m.ocl(), v.ocl(), cfg, t, 0.7);
        }
        p.assertClose("adam params", 1e-6, 1e-5);
        m.assertClose("adam m", 1e-6, 1e-5);
        v.assertClose("adam v", 1e-7, 1e-4);
    }

    /** The whole optimizer (clipping, decay of the kernels, Nesterov momentum) on a model, against the reference. */
    @Test
    void sgdOnAModelFollowsTheReference() {
        SgdConfig cfg = new SgdConfig(0.05, 0.9, true, 2.0, 0.1);
        try (Sequential a = Sequential.builder(ocl, 3, 8, 8).convBlock(4, 3).flatten().dense(3).build(7);
             Sequential b = Sequential.builder(REF, 3, 8, 8).convBlock(4, 3).flatten().dense(3).build(7);
             Optimizer fast = cfg.open(a); Optimizer slow = cfg.open(b)) {
            int n = (int) a.parameterCount();
            for (int step = 0; step < 3; step++) {
                float[] g = new float[n];
                for (int i = 0; i < n; i++) g[i] = (float) (Math.sin(i * 0.37 + step) * (step == 1 ? 3 : 0.2));   // step 1 clipped
                ocl.upload(a.gradients(), g);
                REF.upload(b.gradients(), g);
                double nf = fast.step(a.parameters(), a.gradients()), nr = slow.step(b.parameters(), b.gradients());
                assertEquals(nr, nf, 1e-5 * nr, "gradient norm, step " + step);
            }
            double[] pf = a.parameters().toDoubles(), pr = b.parameters().toDoubles();
            double[] vf = fast.state().get(0).toDoubles(), vr = slow.state().get(0).toDoubles();
            for (int i = 0; i < n; i++) {
                assertEquals(pr[i], pf[i], 1e-5 + 1e-5 * Math.abs(pr[i]), "parameter " + i);
                assertEquals(vr[i], vf[i], 1e-5 + 1e-5 * Math.abs(vr[i]), "velocity " + i);
            }
            a.close();
            assertThrows(IllegalStateException.class, () -> a.forward(ocl.allocate(1, 3, 8, 8), false), "a closed model");
        }
    }

    @Test
    void rejectsBadInput() {
        Tensor small = ocl.allocate(3);
        assertThrows(IllegalArgumentException.class, () -> ocl.upload(small, new float[4]));
        assertThrows(IllegalArgumentException.class, () -> ocl.relu(small, ocl.allocate(4)));
        assertThrows(IllegalArgumentException.class, () -> ocl.gemm(false, false, 2, 2, 2, 1, small, small, 0, small));
        assertThrows(IllegalArgumentException.class, () -> ocl.relu(small, REF.allocate(3)));
        assertThrows(IllegalArgumentException.class, () -> ocl.adamStep(small, small, small, small, AdamConfig.keras(), 0, 1));
    }

    @Test
    void closedStorageCannotBeUsed() {
        Tensor t = ocl.allocate(4);
        Tensor view = t.view(1, 2);
        assertThrows(IllegalStateException.class, view::close);
        ocl.fill(view, 1);   // a view's close leaves the buffer alone
        t.close();
        t.close();   // idempotent
        assertThrows(IllegalStateException.class, () -> ocl.fill(t, 1));
        assertThrows(IllegalStateException.class, () -> ocl.fill(view, 1));
    }
}
