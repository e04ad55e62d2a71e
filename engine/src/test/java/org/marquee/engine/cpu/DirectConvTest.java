package org.marquee.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Tensor;

/**
 * The cpu backend's convolution without columns: when it applies, and that its results do not
 * depend on threads, with either pair-lane choice of the fused pooling.
 */
class DirectConvTest {

    private static CpuBackend backend(int threads, boolean pairLanes) {
        return new CpuBackend(CpuOptions.defaults().withThreads(threads).withPairLanes(pairLanes));
    }

    private static Tensor random(CpuBackend b, long seed, int... shape) {
        Tensor t = b.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[t.intSize()];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextDouble(-1, 1);
        b.upload(t, v);
        return t;
    }

    private static float[] concat(float[]... parts) {
        int size = 0;
        for (float[] p : parts) size += p.length;
        float[] all = new float[size];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** dW, db, dx and y of one geometry on a backend with the given thread count, concatenated. */
    private static float[] run(int threads, boolean pairLanes, ConvGeometry g, int n) {
        try (CpuBackend b = backend(threads, pairLanes); ConvPlan plan = b.planConv(g)) {
            assertEquals(ConvPlan.Route.DIRECT, plan.route(), "stride 1 convolves without columns");
            Tensor x = random(b, 1, n, g.c(), g.h(), g.w()), w = random(b, 2, g.k(), g.patch());
            Tensor bias = random(b, 3, g.k()), dy = random(b, 4, n, g.k(), g.oh(), g.ow());
            Tensor y = b.allocate(n, g.k(), g.oh(), g.ow()), dx = b.allocate(n, g.c(), g.h(), g.w());
            Tensor dw = b.allocate(g.k(), g.patch()), db = b.allocate(g.k());
            b.conv2d(plan, x, w, bias, n, y);
            b.conv2dWeightGrad(plan, x, dy, n, dw, db);
            b.conv2dInputGrad(plan, dy, w, n, dx);
            return concat(dw.toFloats(), db.toFloats(), dx.toFloats(), y.toFloats());
        }
    }

    @ParameterizedTest(name = "pairLanes={0}")
    @ValueSource(booleans = {false, true})
    void resultsAreBitIdenticalForAnyThreadCount(boolean pairLanes) {
        // the weight gradient sums many units; the grouping of those sums must not follow the threads
        ConvGeometry[] gs = {
            new ConvGeometry(16, 30, 40, 24, 3, 3, 1, 0),     // the 9-tap weight-gradient tiles
            new ConvGeometry(3, 40, 50, 8, 3, 3, 1, 0),       // 27 taps: the dot-product weight gradient
            new ConvGeometry(6, 20, 36, 10, 4, 4, 1, 1),      // 96 taps, 4 wide, padded
        };
        for (ConvGeometry g : gs) {
            float[] one = run(1, pairLanes, g, 5);
            assertArrayEquals(one, run(2, pairLanes, g, 5), "1 vs 2 threads: " + g);
            assertArrayEquals(one, run(3, pairLanes, g, 5), "1 vs 3 threads: " + g);
        }
    }

    /**
     * Conv + ReLU + pooling without y, and the backward pass from the pooling's gradient, at a
     * batch large enough that each thread claims runs of several units: pooled values, winners,
     * dW, db and dx concatenated.
     */
    private static float[] runPooled(int threads, boolean pairLanes, ConvGeometry g, int n) {
        try (CpuBackend b = backend(threads, pairLanes); ConvPlan plan = b.planConv(g)) {
            // the direct route pools from the worker's rows and unpools the rows it reads: no workspace
            assertThrows(IllegalStateException.class, () -> plan.output(n), "no output workspace");
            assertThrows(IllegalStateException.class, () -> plan.unpooledGradient(n), "no unpooled-gradient workspace");
            int ph = g.oh() / 2, pw = g.ow() / 2;
            Tensor x = random(b, 1, n, g.c(), g.h(), g.w()), w = random(b, 2, g.k(), g.patch());
            Tensor bias = random(b, 3, g.k()), dpool = random(b, 4, n, g.k(), ph, pw);
            Tensor pooled = b.allocate(n, g.k(), ph, pw), arg = b.allocate(n, g.k(), ph, pw);
            Tensor dx = b.allocate(n, g.c(), g.h(), g.w()), dw = b.allocate(g.k(), g.patch()), db = b.allocate(g.k());
            b.conv2dMaxPool(plan, x, w, bias, n, pooled, arg);
            b.conv2dPooledBackward(plan, x, dpool, arg, w, n, dw, db, dx);
            return concat(pooled.toFloats(), arg.toFloats(), dw.toFloats(), db.toFloats(), dx.toFloats());
        }
    }

    /** The geometries of the fused pooling's cases. */
    private static final ConvGeometry[] POOLED = {
        new ConvGeometry(8, 40, 42, 16, 3, 3, 1, 0),      // 3 wide: rows of 40, pooled to 20
        new ConvGeometry(3, 38, 45, 9, 3, 3, 1, 0),       // 27 taps (dot-product dW), odd rows of 43
        new ConvGeometry(4, 36, 37, 6, 2, 4, 1, 1),       // 4 wide, padded
    };

    @ParameterizedTest(name = "pairLanes={0}")
    @ValueSource(booleans = {false, true})
    void fusedPoolingAndRunsOfUnitsAreBitIdenticalForAnyThreadCount(boolean pairLanes) {
        // 16 images: the forward pass has 16 * 10 units and the input gradient 16 * 5, so two or
        // three threads claim runs of 3 to 10 consecutive units; rows at least a 32-wide panel
        for (ConvGeometry g : POOLED) {
            float[] one = runPooled(1, pairLanes, g, 16);
            assertArrayEquals(one, runPooled(2, pairLanes, g, 16), "1 vs 2 threads: " + g);
            assertArrayEquals(one, runPooled(3, pairLanes, g, 16), "1 vs 3 threads: " + g);
            assertArrayEquals(run(1, pairLanes, g, 16), run(2, pairLanes, g, 16), "unfused, 1 vs 2 threads: " + g);
        }
    }

    @Test
    void bothPairLaneChoicesGiveTheSameBits() {
        // the two ways of pooling pick the same winners (first maximum) and unpool the same rows,
        // so two backends that differ only in the choice agree exactly, side by side
        for (ConvGeometry g : POOLED) {
            assertArrayEquals(runPooled(2, false, g, 16), runPooled(2, true, g, 16), "pooled: " + g);
        }
    }

    @Test
    void otherStridesAndTheSwitchUseColumns() {
        CpuOptions options = CpuOptions.defaults().withThreads(2);
        try (CpuBackend b = new CpuBackend(options); CpuBackend scalar = new CpuBackend(options.withScalar(true));
             CpuBackend im2col = new CpuBackend(options.withIm2col(true))) {
            ConvGeometry stride1 = new ConvGeometry(2, 9, 9, 3, 3, 3, 1, 0);
            assertEquals(ConvPlan.Route.TEXTBOOK, b.planConv(new ConvGeometry(2, 9, 9, 3, 3, 3, 2, 0)).route(), "stride 2");
            assertEquals(ConvPlan.Route.TEXTBOOK, b.planConv(new ConvGeometry(2, 5, 5, 3, 1, 1, 1, 1)).route(),
                    "padding as large as the kernel");
            assertEquals(ConvPlan.Route.TEXTBOOK, scalar.planConv(stride1).route(), "the scalar twin");
            assertEquals(ConvPlan.Route.TEXTBOOK, im2col.planConv(stride1).route(), "the im2col option");
            assertEquals(ConvPlan.Route.DIRECT, b.planConv(stride1).route(), "stride 1 by default");
        }
    }
}
