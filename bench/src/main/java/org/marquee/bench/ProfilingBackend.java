package org.marquee.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Precision;
import org.marquee.engine.SgdConfig;
import org.marquee.engine.Tensor;

/**
 * A backend decorator that adds up, per primitive and shape, the CPU time of all JVM threads
 * ({@link CpuTime}) spent inside each call. Tensors are allocated by the wrapped backend, so the
 * wrapped backend's own checks still apply. For profiling only; the accounting costs a few
 * microseconds per call. Where the wrapped backend convolves through columns, the convolution is
 * split into the primitives it is made of (im2col, gemm, ...) and those are timed instead.
 */
final class ProfilingBackend implements Backend {
    private final Backend inner;
    private final Map<String, long[]> totals = new TreeMap<>();   // key -> {cpu nanos, calls, wall nanos}

    ProfilingBackend(Backend inner) { this.inner = inner; }

    void reset() { totals.clear(); }

    Map<String, long[]> totals() { return totals; }

    private <T> T timed(String key, Supplier<T> body) {
        long c0 = CpuTime.nanos(), w0 = System.nanoTime();
        T r = body.get();
        long[] t = totals.computeIfAbsent(key, k -> new long[3]);
        t[0] += CpuTime.nanos() - c0;
        t[1]++;
        t[2] += System.nanoTime() - w0;
        return r;
    }

    private void timed(String key, Runnable body) {
        timed(key, () -> { body.run(); return null; });
    }

    @Override public String name() { return inner.name(); }
    @Override public Precision precision() { return inner.precision(); }
    @Override public Tensor allocate(int... shape) { return inner.allocate(shape); }
    @Override public void upload(Tensor dst, float[] src) { inner.upload(dst, src); }
    @Override public void upload(Tensor dst, double[] src) { inner.upload(dst, src); }
    @Override public float[] download(Tensor src) { return inner.download(src); }
    @Override public double[] downloadDoubles(Tensor src) { return inner.downloadDoubles(src); }
    @Override public void fill(Tensor dst, double value) { timed("fill " + dst.size(), () -> inner.fill(dst, value)); }
    @Override public void copy(Tensor src, Tensor dst) { timed("copy " + src.size(), () -> inner.copy(src, dst)); }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        timed("gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + "x" + n + "x" + k,
                () -> inner.gemm(transA, transB, m, n, k, alpha, a, b, beta, c));
    }

    @Override public void im2col(Tensor image, ConvGeometry g, Tensor cols) { timed("im2col " + g.c() + "x" + g.h(), () -> inner.im2col(image, g, cols)); }
    @Override public void col2imAdd(Tensor cols, ConvGeometry g, Tensor image) { timed("col2im " + g.c() + "x" + g.h(), () -> inner.col2imAdd(cols, g, image)); }

    /**
     * The inner backend's plan, wrapped so that this decorator can be handed it: calls on a plan
     * whose route needs columns go through the default primitives (and so through the timed
     * im2col, gemm, ...), the others are timed whole.
     */
    private static final class Plan extends ConvPlan {
        final ConvPlan inner;

        Plan(ProfilingBackend owner, ConvPlan inner) {
            super(owner, inner.geometry(), inner.route(), true, true, true);
            this.inner = inner;
        }

        @Override public void close() { super.close(); inner.close(); }
    }

    private Plan plan(ConvPlan p) {
        p.requireFor(this);
        return (Plan) p;
    }

    private static boolean textbook(Plan p) { return p.route() == ConvPlan.Route.TEXTBOOK; }

    private static String shape(ConvPlan p) { return p.geometry().c() + "x" + p.geometry().h(); }

    @Override public ConvPlan planConv(ConvGeometry g) { return new Plan(this, inner.planConv(g)); }
    @Override public void conv2dPooledBackward(ConvPlan plan, Tensor x, Tensor dpool, Tensor argmax, Tensor w, int n,
                                               Tensor dw, Tensor db, Tensor dx) {
        Plan p = plan(plan);
        if (textbook(p)) { Backend.super.conv2dPooledBackward(p, x, dpool, argmax, w, n, dw, db, dx); return; }
        timed("conv2dPooledBackward " + shape(p), () -> inner.conv2dPooledBackward(p.inner, x, dpool, argmax, w, n, dw, db, dx));
    }
    @Override public void conv2d(ConvPlan plan, Tensor x, Tensor w, Tensor b, int n, Tensor y) {
        Plan p = plan(plan);
        if (textbook(p)) { Backend.super.conv2d(p, x, w, b, n, y); return; }
        timed("conv2d " + shape(p), () -> inner.conv2d(p.inner, x, w, b, n, y));
    }
    @Override public void conv2dMaxPool(ConvPlan plan, Tensor x, Tensor w, Tensor b, int n, Tensor pooled, Tensor argmax) {
        Plan p = plan(plan);
        if (textbook(p)) { Backend.super.conv2dMaxPool(p, x, w, b, n, pooled, argmax); return; }
        timed("conv2d+maxPool " + shape(p), () -> inner.conv2dMaxPool(p.inner, x, w, b, n, pooled, argmax));
    }
    @Override public void conv2dWeightGrad(ConvPlan plan, Tensor x, Tensor dy, int n, Tensor dw, Tensor db) {
        Plan p = plan(plan);
        if (textbook(p)) { Backend.super.conv2dWeightGrad(p, x, dy, n, dw, db); return; }
        timed("conv2dWeightGrad " + shape(p), () -> inner.conv2dWeightGrad(p.inner, x, dy, n, dw, db));
    }
    @Override public void conv2dInputGrad(ConvPlan plan, Tensor dy, Tensor w, int n, Tensor dx) {
        Plan p = plan(plan);
        if (textbook(p)) { Backend.super.conv2dInputGrad(p, dy, w, n, dx); return; }
        timed("conv2dInputGrad " + shape(p), () -> inner.conv2dInputGrad(p.inner, dy, w, n, dx));
    }
    @Override public void addBias(Tensor y, Tensor bias, int outer, int channels, int inner2) { timed("addBias " + y.size(), () -> inner.addBias(y, bias, outer, channels, inner2)); }
    @Override public void biasGrad(Tensor dy, Tensor db, int outer, int channels, int inner2) { timed("biasGrad " + dy.size(), () -> inner.biasGrad(dy, db, outer, channels, inner2)); }
    @Override public void relu(Tensor x, Tensor y) { timed("relu " + x.size(), () -> inner.relu(x, y)); }
    @Override public void reluBackward(Tensor y, Tensor dy, Tensor dx) { timed("reluBackward " + y.size(), () -> inner.reluBackward(y, dy, dx)); }
    @Override public void sigmoid(Tensor x, Tensor y) { timed("sigmoid", () -> inner.sigmoid(x, y)); }
    @Override public void maxPool2x2(Tensor x, int planes, int h, int w, Tensor y, Tensor argmax) { timed("maxPool " + x.size(), () -> inner.maxPool2x2(x, planes, h, w, y, argmax)); }
    @Override public void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx) { timed("maxPoolBackward " + dx.size(), () -> inner.maxPool2x2Backward(dy, argmax, planes, h, w, dx)); }
    @Override public void dropoutMask(Tensor mask, long seed, long step, long first, double rate) { timed("dropoutMask " + mask.size(), () -> inner.dropoutMask(mask, seed, step, first, rate)); }
    @Override public void multiply(Tensor a, Tensor b, Tensor out) { timed("multiply " + a.size(), () -> inner.multiply(a, b, out)); }
    @Override public double sigmoidCrossEntropy(Tensor z, Tensor t, Tensor g) { return timed("loss", () -> inner.sigmoidCrossEntropy(z, t, g)); }
    @Override public double softmaxCrossEntropy(Tensor z, Tensor t, Tensor g, int classes) { return timed("loss", () -> inner.softmaxCrossEntropy(z, t, g, classes)); }
    @Override public double meanSquaredError(Tensor y, Tensor t, Tensor g) { return timed("loss", () -> inner.meanSquaredError(y, t, g)); }
    @Override public void sgdStep(Tensor p, Tensor g, Tensor v, SgdConfig cfg, double s) { timed("sgd " + p.size(), () -> inner.sgdStep(p, g, v, cfg, s)); }
    @Override public double sumOfSquares(Tensor x) { return timed("sumOfSquares", () -> inner.sumOfSquares(x)); }
    @Override public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, AdamConfig cfg, long t, double s) { timed("adam " + p.size(), () -> inner.adamStep(p, g, m, v, cfg, t, s)); }
    @Override public void synchronize() { inner.synchronize(); }
    @Override public void close() { inner.close(); }
}
