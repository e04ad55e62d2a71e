package org.marquee.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.SgdConfig;

/**
 * The fast float32 path: the blocked GEMM, row-copying im2col, vector max pooling, and vector
 * loops split across the worker threads for the elementwise primitives. Each method computes
 * what its twin in {@link ScalarKernels} computes; work that is never hot (sigmoid and the loss
 * on 27 outputs per image) is delegated to that twin. The GEMM's blocks and routes and the
 * pair-lane choice of pooling and dropout come from the backend's {@link CpuOptions}.
 */
final class FastKernels implements CpuKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Smallest chunk of elementwise work handed to one thread. */
    private static final int GRAIN = 1 << 15;

    private final WorkerPool pool;
    private final VectorGemm gemm;
    private final ScalarKernels scalar = new ScalarKernels();
    private final ConvUnfold unfold;
    private final Pooling pooling;
    private final DropoutVector dropout;

    FastKernels(WorkerPool pool, CpuOptions options) {
        this.pool = pool;
        this.gemm = new VectorGemm(pool, options.tuning());
        this.unfold = new ConvUnfold(pool);
        this.pooling = new Pooling(options.pairLanes());
        this.dropout = new DropoutVector(options.pairLanes());
    }

    /** Large fills (gradient zeroing, 11M parameters) are split between threads. */
    @Override
    public void fill(float[] x, int xo, int n, float value) {
        pool.range(n, 1 << 18, (from, to) -> java.util.Arrays.fill(x, xo + from, xo + to, value));
    }

    @Override
    public void gemm(GemmOperands op, float beta, Slice c) {
        gemm.multiply(op, beta, c);
    }

    @Override
    public void im2col(float[] x, int xo, ConvGeometry g, float[] cols, int co) { unfold.im2col(x, xo, g, cols, co); }

    @Override
    public void col2imAdd(float[] cols, int co, ConvGeometry g, float[] x, int xo) { unfold.col2imAdd(cols, co, g, x, xo); }

    /** y[o][c][i] += bias[c]: one broadcast per (o, c) row. */
    @Override
    public void addBias(float[] y, int yo, float[] bias, int bo, int outer, int channels, int inner) {
        int rows = outer * channels;
        pool.range(rows, Math.max(1, GRAIN / Math.max(1, inner)), (from, to) -> {
            for (int r = from; r < to; r++) {
                float bc = bias[bo + r % channels];
                int base = yo + r * inner, i = 0;
                FloatVector bv = FloatVector.broadcast(S, bc);
                for (; i <= inner - L; i += L) FloatVector.fromArray(S, y, base + i).add(bv).intoArray(y, base + i);
                for (; i < inner; i++) y[base + i] += bc;
            }
        });
    }

    /** dBias[c] += sum of dy[o][c][:], each row reduced with vectors, rows summed in double. */
    @Override
    public void biasGrad(float[] dy, int dyo, float[] db, int dbo, int outer, int channels, int inner) {
        if (inner < L) { scalar.biasGrad(dy, dyo, db, dbo, outer, channels, inner); return; }
        pool.range(channels, Math.max(1, GRAIN / Math.max(1, inner * outer)), (from, to) -> {
            for (int c = from; c < to; c++) {
                double sum = 0;
                for (int o = 0; o < outer; o++) {
                    int base = dyo + (o * channels + c) * inner, i = 0;
                    FloatVector acc = FloatVector.zero(S);
                    for (; i <= inner - L; i += L) acc = acc.add(FloatVector.fromArray(S, dy, base + i));
                    double rowSum = Lanes.sum(acc);
                    for (; i < inner; i++) rowSum += dy[base + i];
                    sum += rowSum;
                }
                db[dbo + c] += (float) sum;
            }
        });
    }

    @Override
    public void relu(float[] x, int xo, float[] y, int yo, int n) {
        pool.range(n, GRAIN, (from, to) -> {
            int i = from;
            for (; i <= to - L; i += L) FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i);
            for (; i < to; i++) y[yo + i] = Math.max(x[xo + i], 0f);
        });
    }

    @Override
    public void reluBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        pool.range(n, GRAIN, (from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(S);
            for (; i <= to - L; i += L) {
                // a blend, not a masked add: JDK 17 compiles masked lanewise operations to slow paths
                var positive = FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0f);
                zero.blend(FloatVector.fromArray(S, dy, dyo + i), positive).intoArray(dx, dxo + i);
            }
            if (i < to) scalar.reluBackward(y, yo + i, dy, dyo + i, dx, dxo + i, to - i);
        });
    }

    @Override
    public void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        pool.range(n, GRAIN, (from, to) -> scalar.sigmoid(x, xo + from, y, yo + from, to - from));
    }

    @Override
    public void maxPool2x2(Slice in, int planes, int h, int w, Pooled result) {
        float[] x = in.array();
        int xo = in.offset(), plane = h * w, out = (h / 2) * (w / 2);
        pool.range(planes, Math.max(1, GRAIN / plane), (from, to) ->
                pooling.forward(x, xo + from * plane, to - from, h, w, w, result, from * out));
    }

    @Override
    public void maxPool2x2Backward(Pooled grads, int planes, int h, int w, Slice result) {
        float[] dx = result.array();
        int dxo = result.offset(), plane = h * w, out = (h / 2) * (w / 2);
        pool.range(planes, Math.max(1, GRAIN / plane), (from, to) ->
                pooling.backward(grads, from * out, to - from, h, w, dx, dxo + from * plane));
    }

    /**
     * DropoutHash.maskValue without floating point per element: uniform = u * 2^-24 with u the top
     * 24 bits of the hash, so {@code uniform >= rate} exactly when {@code u >= ceil(rate * 2^24)}.
     * The hash runs on 64-bit lanes ({@link DropoutVector}): narrowed to floats in vectors with the
     * pair lanes, which allow other vector shapes (JDK 25's default), copied out through a block of
     * longs otherwise (JDK 17: 5 ms per training step instead of the scalar loop's 18). The last
     * few elements of each thread's range run through the scalar loop.
     */
    @Override
    public void dropoutMask(float[] mask, int mo, int n, long seed, long step, long first, double rate) {
        long threshold = (long) Math.ceil(rate * 0x1p24);
        float keep = (float) (1.0 / (1.0 - rate));
        DropoutVector.Draw draw = new DropoutVector.Draw(seed, step, first, threshold, keep);
        pool.range(n, GRAIN, (from, to) -> {
            int i = dropout.mask(mask, mo, from, to, draw);
            // DropoutHash.mix with its loop-invariant part hoisted and index * golden ratio kept as a
            // running sum (the same 64-bit products, one multiplication fewer per element)
            long base = seed ^ (step * 0xD1B54A32D192ED03L);
            long spread = (first + i) * 0x9E3779B97F4A7C15L;
            for (; i < to; i++, spread += 0x9E3779B97F4A7C15L) {
                long z = base ^ spread;
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                long u = (z ^ (z >>> 31)) >>> 40;
                // keep when u >= threshold, without a branch (taken at random, it mispredicts
                // often): both are below 2^25, so the sign bit of u - threshold decides
                mask[mo + i] = keep * (float) (1 - ((u - threshold) >>> 63));
            }
        });
    }

    @Override
    public void multiply(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        pool.range(n, GRAIN, (from, to) -> {
            int i = from;
            for (; i <= to - L; i += L) {
                FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            }
            for (; i < to; i++) out[oo + i] = a[ao + i] * b[bo + i];
        });
    }

    @Override
    public double sigmoidCrossEntropy(float[] z, int zo, float[] t, int to, float[] g, int go, int n) {
        return scalar.sigmoidCrossEntropy(z, zo, t, to, g, go, n);
    }

    @Override
    public double softmaxCrossEntropy(float[] z, int zo, float[] t, int to, float[] g, int go, int rows, int classes) {
        return scalar.softmaxCrossEntropy(z, zo, t, to, g, go, rows, classes);
    }

    @Override
    public double meanSquaredError(float[] y, int yo, float[] t, int to, float[] g, int go, int n) {
        return scalar.meanSquaredError(y, yo, t, to, g, go, n);
    }

    /** The scalar loop on each thread's range: the same arithmetic per element, so the same result. */
    @Override
    public void sgdStep(float[] p, int po, float[] g, int go, float[] v, int vo, int n, SgdConfig cfg, double gradScale) {
        pool.range(n, GRAIN, (from, to) -> scalar.sgdStep(p, po + from, g, go + from, v, vo + from, to - from, cfg, gradScale));
    }

    /** Per-thread partial sums in double, added in a fixed order. */
    @Override
    public double sumOfSquares(float[] x, int xo, int n) {
        double[] partial = new double[pool.threads()];
        pool.run(Math.max(1, Math.min(pool.threads(), n / GRAIN)), (w, ws) -> {
            int from = (int) ((long) n * w / ws), to = (int) ((long) n * (w + 1) / ws);
            partial[w] = scalar.sumOfSquares(x, xo + from, to - from);
        });
        double s = 0;
        for (double p : partial) s += p;
        return s;
    }

    /** Keras' Adam (see Backend#adamStep) with vectors: m, v, then p -= stepSize * m / (sqrt(v) + eps). */
    @Override
    public void adamStep(AdamBuffers buffers, int n, AdamConfig cfg, long t, double gradScale) {
        float[] p = buffers.params().array(), g = buffers.grads().array();
        float[] m = buffers.firstMoment().array(), v = buffers.secondMoment().array();
        int po = buffers.params().offset(), go = buffers.grads().offset();
        int mo = buffers.firstMoment().offset(), vo = buffers.secondMoment().offset();
        float b1 = (float) cfg.beta1(), b2 = (float) cfg.beta2(), eps = (float) cfg.epsilon(), scale = (float) gradScale;
        float stepSize = (float) (cfg.learningRate() * Math.sqrt(1 - Math.pow(cfg.beta2(), t)) / (1 - Math.pow(cfg.beta1(), t)));
        pool.range(n, GRAIN, (from, to) -> {
            int i = from;
            for (; i <= to - L; i += L) {
                FloatVector gi = FloatVector.fromArray(S, g, go + i).mul(scale);
                FloatVector mi = FloatVector.fromArray(S, m, mo + i).mul(b1).add(gi.mul(1 - b1));
                FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gi.mul(gi).mul(1 - b2));
                mi.intoArray(m, mo + i);
                vi.intoArray(v, vo + i);
                FloatVector update = mi.mul(stepSize).div(vi.sqrt().add(eps));
                FloatVector.fromArray(S, p, po + i).sub(update).intoArray(p, po + i);
            }
            if (i < to) scalar.adamStep(buffers.from(i), to - i, cfg, t, gradScale);
        });
    }

    @Override
    public void close() { pool.close(); }
}
