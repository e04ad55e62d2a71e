package org.marquee.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
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
    @Override public boolean convNeedsColumns(ConvGeometry g) { return inner.convNeedsColumns(g); }
    @Override public boolean conv2dMaxPoolNeedsOutput(ConvGeometry g) { return inner.conv2dMaxPoolNeedsOutput(g); }
    @Override public boolean convUnpools(ConvGeometry g) { return inner.convUnpools(g); }
    @Override public void conv2dPooledBackward(Tensor x, Tensor dpool, Tensor argmax, Tensor w, ConvGeometry g, int n,
                                               Tensor dw, Tensor db, Tensor dx, Tensor dy, Tensor cols) {
        if (!inner.convUnpools(g)) { Backend.super.conv2dPooledBackward(x, dpool, argmax, w, g, n, dw, db, dx, dy, cols); return; }
        timed("conv2dPooledBackward " + g.c() + "x" + g.h(), () -> inner.conv2dPooledBackward(x, dpool, argmax, w, g, n, dw, db, dx, dy, cols));
    }
    @Override public void conv2d(Tensor x, Tensor w, Tensor b, ConvGeometry g, int n, Tensor y, Tensor cols, boolean relu) {
        if (inner.convNeedsColumns(g)) { Backend.super.conv2d(x, w, b, g, n, y, cols, relu); return; }
        timed("conv2d " + g.c() + "x" + g.h(), () -> inner.conv2d(x, w, b, g, n, y, cols, relu));
    }
    @Override public void conv2dMaxPool(Tensor x, Tensor w, Tensor b, ConvGeometry g, int n, Tensor y, Tensor cols,
                                        boolean relu, Tensor pooled, Tensor argmax) {
        if (inner.convNeedsColumns(g) && y != null) { Backend.super.conv2dMaxPool(x, w, b, g, n, y, cols, relu, pooled, argmax); return; }
        timed("conv2d+maxPool " + g.c() + "x" + g.h(), () -> inner.conv2dMaxPool(x, w, b, g, n, y, cols, relu, pooled, argmax));
    }
    @Override public void conv2dWeightGrad(Tensor x, Tensor dy, ConvGeometry g, int n, Tensor dw, Tensor db, Tensor cols) {
        if (inner.convNeedsColumns(g)) { Backend.super.conv2dWeightGrad(x, dy, g, n, dw, db, cols); return; }
        timed("conv2dWeightGrad " + g.c() + "x" + g.h(), () -> inner.conv2dWeightGrad(x, dy, g, n, dw, db, cols));
    }
    @Override public void conv2dInputGrad(Tensor dy, Tensor w, ConvGeometry g, int n, Tensor dx, Tensor cols) {
        if (inner.convNeedsColumns(g)) { Backend.super.conv2dInputGrad(dy, w, g, n, dx, cols); return; }
        timed("conv2dInputGrad " + g.c() + "x" + g.h(), () -> inner.conv2dInputGrad(dy, w, g, n, dx, cols));
    }
    @Override public void addBias(Tensor y, Tensor bias, int outer, int channels, int inner2) { timed("addBias " + y.size(), () -> inner.addBias(y, bias, outer, channels, inner2)); }
    @Override public void biasGrad(Tensor dy, Tensor db, int outer, int channels, int inner2) { timed("biasGrad " + dy.size(), () -> inner.biasGrad(dy, db, outer, channels, inner2)); }
    @Override public void relu(Tensor x, Tensor y) { timed("relu " + x.size(), () -> inner.relu(x, y)); }
    @Override public void reluBackward(Tensor y, Tensor dy, Tensor dx) { timed("reluBackward " + y.size(), () -> inner.reluBackward(y, dy, dx)); }
    @Override public void reluBackward(Tensor y, Tensor dy, Tensor dx, boolean acc) { timed("reluBackward " + y.size(), () -> inner.reluBackward(y, dy, dx, acc)); }
    @Override public void sigmoid(Tensor x, Tensor y) { timed("sigmoid", () -> inner.sigmoid(x, y)); }
    @Override public void maxPool2x2(Tensor x, int planes, int h, int w, Tensor y, Tensor argmax) { timed("maxPool " + x.size(), () -> inner.maxPool2x2(x, planes, h, w, y, argmax)); }
    @Override public void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx) { timed("maxPoolBackward " + dx.size(), () -> inner.maxPool2x2Backward(dy, argmax, planes, h, w, dx)); }
    @Override public void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx, boolean acc) { timed("maxPoolBackward " + dx.size(), () -> inner.maxPool2x2Backward(dy, argmax, planes, h, w, dx, acc)); }
    @Override public void dropoutMask(Tensor mask, long seed, long step, double rate) { timed("dropoutMask " + mask.size(), () -> inner.dropoutMask(mask, seed, step, rate)); }
    @Override public void multiply(Tensor a, Tensor b, Tensor out, boolean acc) { timed("multiply " + a.size(), () -> inner.multiply(a, b, out, acc)); }
    @Override public double sigmoidCrossEntropy(Tensor z, Tensor t, Tensor g) { return timed("loss", () -> inner.sigmoidCrossEntropy(z, t, g)); }
    @Override public double sumOfSquares(Tensor x) { return timed("sumOfSquares", () -> inner.sumOfSquares(x)); }
    @Override public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, AdamConfig cfg, long t, double s) { timed("adam " + p.size(), () -> inner.adamStep(p, g, m, v, cfg, t, s)); }
    @Override public void synchronize() { inner.synchronize(); }
    @Override public void close() { inner.close(); }
}
