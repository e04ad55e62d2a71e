package org.marquee.engine.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.marquee.engine.ConvGeometry;

/**
 * Stride-1 convolution without unfolded columns: the three GEMMs of a convolution layer with the
 * column matrix read straight from the image.
 *
 * <p>Row (c, i, j) of the column matrix at position (oy, ox) is {@code x[c][oy + i][ox + j]}, i.e.
 * {@code x[off[c,i,j] + oy*W + ox]} with {@code off[c,i,j] = c*H*W + i*W + j}. So:
 * <pre>
 *   forward      y[k][oy][ox..ox+NR) = Σ_p Wpacked[k][p] · x[off[p] + oy*W + ox ..]
 *                (the micro-kernel's B panel is read from the image in place)
 *   weight grad  dWᵀ (taps, K) = cols · dYᵀ: the micro-kernel broadcasts x at 8 taps from the
 *                image and multiplies packed dYᵀ panels; only dY is packed, and dWᵀ is
 *                transposed into dW at the end. Kernels with few taps (conv1's 27) use dot
 *                products along output rows instead.
 *   input grad   dx = col2im(Wᵀ · dY) is the forward convolution of dY, zero-padded by KH-1-pad
 *                (KW-1-pad), with the flipped kernel Wf[c][k,i,j] = W[k][c][KH-1-i][KW-1-j]
 * </pre>
 * Padding of the input is handled by copying it into a zero-padded workspace first; the input
 * gradient pads the few dY rows each unit of work reads, in that thread's buffer. Compared with
 * im2col + GEMM this skips writing and re-reading a (C*KH*KW, OH*OW) matrix per image (13.7 MB
 * for the poster model's conv2), the col2im pass and most packing; bias is added as the tiles are
 * stored.
 *
 * <p>All three split (image, block of output rows) units between the threads: forward and the
 * input gradient hand them out in runs of consecutive units ({@link #run}), each unit writing its
 * own rows; the weight gradient's units are summed in a fixed number of groups, handed out one at
 * a time, each with its own copy of dWᵀ, added in group order at the end, so the result is the
 * same for any thread count and any scheduling.
 */
final class DirectConv {
    private static final int MR = MicroKernel.MR, NR = MicroKernel.NR, L = MicroKernel.L;
    /** Output rows per unit of forward work; even, so that a unit holds whole 2x2 pooling windows. */
    private static final int ROWS = 4;
    /** Output rows per unit of the input gradient. */
    private static final int IG_ROWS = 8;

    /** Kernels with at most this many taps (C*KH*KW) take the dot-product weight gradient. */
    private static final int DOT_MAX_PATCH = 64;
    /** Output rows per unit of the dot-product weight gradient. */
    private static final int DOT_ROWS = 8;
    /** About this many positions (whole output rows) per unit of the weight gradient. */
    private static final int WG_POSITIONS = 512;
    private static final VectorSpecies<Float> S = MicroKernel.S;

    /** Stride 1, and padding smaller than the kernel (so the input gradient is a padded convolution). */
    static boolean supports(ConvGeometry g) {
        return g.stride() == 1 && g.pad() < g.kh() && g.pad() < g.kw();
    }

    private final WorkerPool pool;
    private final Worker[] workers;
    private float[] packedW = new float[0];
    private float[] flipped = new float[0];
    private float[] padded = new float[0];

    /** One thread's buffers. */
    private static final class Worker {
        // the tiles are written on every call: PAD floats after each keep the next worker's
        // buffers off their last cache lines
        final float[] tile = new float[MR * NR + WorkerPool.PAD];
        float[] panel = new float[0];
        float[] packedB = new float[0];
        /** One unit's rows of dY, unpooled from the pooling's gradient (K, rows, OW). */
        float[] dy = new float[0];
        /** One forward unit's output rows when y is not kept (K, ROWS, OW), or one input-gradient unit's (C, rows, W + KW - 1). */
        float[] unit = new float[0];
        /** The zero-padded dY rows one unit of the input gradient reads. */
        float[] padded = new float[0];
        final int[] taps = new int[MR];
        final float[] tile9 = new float[9 * NR + WorkerPool.PAD];
    }

    /**
     * The weight gradient's units are summed in CHUNKS fixed groups, whichever thread takes a group:
     * the sums, and so the gradients, do not depend on the scheduling or the thread count.
     */
    private static final int CHUNKS = 8;
    private final Chunk[] chunks = new Chunk[CHUNKS];

    /** One group's partial dW (or dWᵀ) and bias gradient. */
    private static final class Chunk {
        float[] sums = new float[0];
        float[] bias = new float[0];
        /** The dot-product weight gradient's sums still as vectors: entry e's L lanes at e*L. */
        float[] lanes = new float[0];
    }

    /** Clears the partial sums of min(CHUNKS, units) groups for a dW of {@code size} and k filters; returns their count. */
    private int chunks(int units, int size, int k) {
        int used = Math.min(CHUNKS, units);
        for (int ch = 0; ch < used; ch++) {
            if (chunks[ch] == null) chunks[ch] = new Chunk();
            Chunk c = chunks[ch];
            // groups are summed by different threads at once: PAD floats after each array keep
            // the next group's arrays off its last cache line
            if (c.sums.length < size + WorkerPool.PAD) c.sums = new float[size + WorkerPool.PAD];
            if (c.bias.length < k + WorkerPool.PAD) c.bias = new float[k + WorkerPool.PAD];
            Arrays.fill(c.sums, 0, size, 0f);
            Arrays.fill(c.bias, 0, k, 0f);
        }
        return used;
    }

    DirectConv(WorkerPool pool) {
        this.pool = pool;
        this.workers = new Worker[pool.threads()];
        for (int i = 0; i < workers.length; i++) workers[i] = new Worker();
    }

    /**
     * y (n, K, OH, OW) = W (K, C*KH*KW) convolved with x (n, C, H, W), plus bias (K); then max(0, y)
     * with {@code relu}; then, unless {@code pooled} is null, y max-pooled 2x2 into pooled and
     * argmax (n, K, OH/2, OW/2) block by block of rows, while they are in cache. With pooling, y may
     * be null: each block of rows then lives in the worker's buffer only.
     */
    synchronized void forward(float[] x, int xo, float[] w, int wo, float[] bias, int bo,
                              ConvGeometry g, int n, float[] y, int yo, boolean relu,
                              float[] pooled, int po, float[] argmax, int ao) {
        int p = g.pad(), hp = g.h() + 2 * p, wp = g.w() + 2 * p;
        float[] src = p > 0 ? pad(x, xo, n * g.c(), g.h(), g.w(), p, p) : x;    // padded into the workspace
        int so = p > 0 ? 0 : xo;
        packedW = packWeights(w, wo, g.k(), g.patch(), packedW);
        int[] off = offsets(g.c(), hp, wp, g.kh(), g.kw());
        rows(src, so, g.c() * hp * wp, wp, off, g.kw(), packedW, g.k(), bias, bo, relu, y, yo, g.oh(), g.ow(), n,
                pooled, po, argmax, ao);
    }

    /**
     * dw (K, C*KH*KW) += Σ over images of dy[i] (K, OH*OW) · im2col(x[i])ᵀ, and db (K) += Σ of dy[i][k].
     * With {@code arg} (not null), dy is given max-pooled: the pooling's gradient (n, K, OH/2, OW/2)
     * and its winners at arg, and each unit unpools the rows of dY it reads (see {@link #dyRows}).
     */
    synchronized void weightGrad(float[] x, int xo, float[] dy, int dyo, float[] arg, int ao, ConvGeometry g, int n,
                                 float[] dw, int dwo, float[] db, int dbo) {
        int p = g.pad(), hp = g.h() + 2 * p, wp = g.w() + 2 * p;
        float[] src = p > 0 ? pad(x, xo, n * g.c(), g.h(), g.w(), p, p) : x;    // padded into the workspace
        int so = p > 0 ? 0 : xo;
        int[] off = offsets(g.c(), hp, wp, g.kh(), g.kw());
        int k = g.k(), patch = g.patch(), ow = g.ow(), imageSize = g.c() * hp * wp;
        int used = patch <= DOT_MAX_PATCH && ow >= L
                ? weightGradDot(src, so, imageSize, wp, off, dy, dyo, arg, ao, k, g.oh(), ow, n, dw, dwo)
                : weightGradRows(src, so, imageSize, wp, off, g.kw(), dy, dyo, arg, ao, k, g.oh(), ow, n, dw, dwo);
        for (int f = 0; f < k; f++) {
            float sum = 0f;
            for (int ch = 0; ch < used; ch++) sum += chunks[ch].bias[f];
            db[dbo + f] += sum;
        }
    }

    /**
     * The weight gradient computed transposed, dWᵀ (taps, K), so that only dY needs packing: for a
     * block of output rows, dYᵀ is packed in panels of NR filters, and the micro-kernel broadcasts
     * the image's values for MR taps straight from the image. Each worker adds into its own dWᵀ;
     * they are transposed into dw at the end. Each group of units (a {@link Chunk}) also sums its
     * dY into its bias share. Returns how many chunks were used.
     */
    private int weightGradRows(float[] x, int xo, int imageSize, int w, int[] off, int kw, float[] dy, int dyo,
                                float[] arg, int ao, int k, int oh, int ow, int n, float[] dw, int dwo) {
        int patch = off.length, size = k * patch, plane = oh * ow;
        int rowsPer = Math.max(1, Math.min(oh, WG_POSITIONS / ow));
        int blocks = (oh + rowsPer - 1) / rowsPer, units = n * blocks;
        int kPad = VectorGemm.roundUp(k, NR);
        AtomicInteger next = new AtomicInteger();
        int used = chunks(units, size, k);
        pool.run(used, (wk, ws) -> {
            Worker me = workers[wk];
            int most = (rowsPer - 1) * w + ow;
            if (me.packedB.length < kPad * most) me.packedB = new float[kPad * most];
            if (arg != null && me.dy.length < k * rowsPer * ow) me.dy = new float[k * rowsPer * ow];
            int[] taps = me.taps;
            for (int ch; (ch = next.getAndIncrement()) < used; ) {
                Chunk part = chunks[ch];
                for (int u = units * ch / used; u < units * (ch + 1) / used; u++) {
                    int i = u / blocks, r0 = (u % blocks) * rowsPer, r1 = Math.min(oh, r0 + rowsPer);
                    // the unit's rows as one run of positions, w apart per row: kc = positions (row, col)
                    // with col < w, the last row cut at ow; the columns col >= ow hold zeros in dYᵀ
                    int kc = (r1 - r0 - 1) * w + ow, d0 = dyo + i * k * plane + r0 * ow;
                    float[] src = dy;
                    int from = d0, ld = plane;
                    if (arg != null) {      // this unit's rows of dY, unpooled into the worker's buffer
                        dyRows(dy, dyo, arg, ao, i, k, oh, ow, r0, r1, me.dy);
                        src = me.dy;
                        from = 0;
                        ld = (r1 - r0) * ow;
                    }
                    packFiltersT(src, from, ld, k, r1 - r0, ow, w, me.packedB);
                    sumRows(src, from, ld, k, (r1 - r0) * ow, part.bias);
                    int xi = xo + i * imageSize + r0 * w;
                    for (int f0 = 0; f0 < k; f0 += NR) {
                        int cols = Math.min(NR, k - f0), t0 = 0;
                        // kernels 3 wide: 9 taps (three runs of three adjacent pixels) per tile
                        for (; kw == 3 && t0 + 9 <= patch; t0 += 9) {
                            MicroKernel.multiplyRow3x3(kc, x, xi + off[t0], xi + off[t0 + 3], xi + off[t0 + 6],
                                    me.packedB, f0 * kc, me.tile9);
                            MicroKernel.store(me.tile9, 9, cols, 1f, 1f, part.sums, t0 * k + f0, k);
                        }
                        for (; t0 < patch; t0 += MR) {
                            int rows = Math.min(MR, patch - t0);
                            for (int r = 0; r < MR; r++) taps[r] = xi + off[t0 + Math.min(r, rows - 1)];
                            MicroKernel.multiplyRow(kc, x, taps, 0, me.packedB, f0 * kc, me.tile);
                            MicroKernel.store(me.tile, rows, cols, 1f, 1f, part.sums, t0 * k + f0, k);
                        }
                    }
                }
            }
        });
        for (int f = 0; f < k; f++) {
            for (int t = 0; t < patch; t++) {
                float sum = 0f;
                for (int ch = 0; ch < used; ch++) sum += chunks[ch].sums[t * k + f];
                dw[dwo + f * patch + t] += sum;
            }
        }
        return used;
    }

    /**
     * Rows r0..r1 of dY for image i and all k filters, unpooled from the pooling's gradient dp (n, k,
     * oh/2, ow/2) and its winners arg, into buf: filter f's row r at (f*(r1-r0) + r - r0)*ow. A
     * window's gradient goes to its winner, 0 elsewhere; a trailing odd row or column gets 0.
     */
    private static void dyRows(float[] dp, int dpo, float[] arg, int ao, int i, int k, int oh, int ow, int r0, int r1,
                               float[] buf) {
        int ph = oh / 2, pw = ow / 2, rows = r1 - r0;
        for (int f = 0; f < k; f++) {
            for (int r = r0; r < r1; r++) {
                int d = (f * rows + r - r0) * ow;
                dyRow(dp, dpo, arg, ao, (i * k + f) * ph, ph, pw, ow, r, buf, d);
            }
        }
    }

    /** Row r of one dY plane, unpooled from the pooling's plane whose first row is {@code prow}, into buf[d .. d+ow). */
    private static void dyRow(float[] dp, int dpo, float[] arg, int ao, int prow, int ph, int pw, int ow, int r,
                              float[] buf, int d) {
        if (r / 2 >= ph) {
            Arrays.fill(buf, d, d + ow, 0f);
        } else {
            int at = (prow + r / 2) * pw;
            Pooling.unpoolRow(dp, dpo + at, arg, ao + at, ow, r & 1, buf, d);
        }
    }

    /** acc[f] += Σ of dy[src + f*plane + q] over q < len, for f < k: the bias gradient's share of a unit. */
    private static void sumRows(float[] dy, int src, int plane, int k, int len, float[] acc) {
        for (int f = 0; f < k; f++) {
            int s = src + f * plane, q = 0;
            FloatVector v = FloatVector.zero(S);
            for (; q <= len - L; q += L) v = v.add(FloatVector.fromArray(S, dy, s + q));
            float sum = Lanes.sum(v);
            for (; q < len; q++) sum += dy[s + q];
            acc[f] += sum;
        }
    }

    /**
     * dYᵀ for {@code rows} output rows of ow positions, in panels of NR filters, laid out w
     * positions per row: step q = r*w + col of panel f0/NR holds dY[f0..f0+NR)[r][col], and 0 for
     * the w - ow steps between rows (so they add nothing); kc = (rows-1)*w + ow steps per panel.
     */
    private static void packFiltersT(float[] dy, int src, int plane, int k, int rows, int ow, int w, float[] dst) {
        int kc = (rows - 1) * w + ow;
        for (int f0 = 0; f0 < k; f0 += NR) {
            int cols = Math.min(NR, k - f0), d = f0 * kc;
            for (int r = 0; r < rows; r++) {
                for (int cc = 0; cc < ow; cc += 64) {
                    int ce = Math.min(ow, cc + 64);
                    for (int f = 0; f < cols; f++) {
                        int s = src + (f0 + f) * plane + r * ow;
                        for (int q = cc, o = d + (r * w + cc) * NR + f; q < ce; q++, o += NR) dst[o] = dy[s + q];
                    }
                }
                if (r < rows - 1) Arrays.fill(dst, d + (r * w + ow) * NR, d + (r + 1) * w * NR, 0f);
            }
            if (cols < NR) {
                for (int q = 0; q < kc; q++) Arrays.fill(dst, d + q * NR + cols, d + (q + 1) * NR, 0f);
            }
        }
    }

    /** dw += the partial sums of the first {@code used} chunks, in chunk order. */
    private void addPartials(int used, int size, float[] dw, int dwo) {
        for (int ch = 0; ch < used; ch++) {
            float[] part = chunks[ch].sums;
            int i = 0;
            for (; i <= size - L; i += L) {
                FloatVector.fromArray(MicroKernel.S, dw, dwo + i).add(FloatVector.fromArray(MicroKernel.S, part, i)).intoArray(dw, dwo + i);
            }
            for (; i < size; i++) dw[dwo + i] += part[i];
        }
    }

    /**
     * The weight gradient as dot products along output rows, for kernels with few taps (conv1's
     * 27), where packing colsᵀ would cost as much as the arithmetic: a block of 4 filters x 3 taps
     * keeps 12 vector sums over a block of rows, reading dY and the image in place. Each group of
     * units (a {@link Chunk}) also sums its dY into its bias share. Returns how many chunks were used.
     */
    private int weightGradDot(float[] x, int xo, int imageSize, int w, int[] off, float[] dyIn, int dyo,
                               float[] arg, int ao, int k, int oh, int ow, int n, float[] dw, int dwo) {
        int patch = off.length, size = k * patch, planeIn = oh * ow;
        int blocks = (oh + DOT_ROWS - 1) / DOT_ROWS, units = n * blocks;
        // keep[0..L) is all ones; keep[L..2L) is for the last vector of a ragged row, which starts at
        // ow - L: its first lanes were counted by the vector before, so they are multiplied by 0
        float[] keep = new float[2 * L];
        for (int l = 0; l < L; l++) { keep[l] = 1f; keep[L + l] = l >= L - ow % L ? 1f : 0f; }
        AtomicInteger next = new AtomicInteger();
        int used = chunks(units, size, k);
        for (int ch = 0; ch < used; ch++) {
            Chunk c = chunks[ch];
            if (c.lanes.length < size * L + WorkerPool.PAD) c.lanes = new float[size * L + WorkerPool.PAD];
            Arrays.fill(c.lanes, 0, size * L, 0f);
        }
        pool.run(used, (wk, ws) -> {
            Worker me = workers[wk];
            if (arg != null && me.dy.length < k * DOT_ROWS * ow) me.dy = new float[k * DOT_ROWS * ow];
            for (int ch; (ch = next.getAndIncrement()) < used; ) {
                Chunk part = chunks[ch];
                for (int u = units * ch / used; u < units * (ch + 1) / used; u++) {
                    int i = u / blocks, r0 = (u % blocks) * DOT_ROWS, r1 = Math.min(oh, r0 + DOT_ROWS);
                    int xi = xo + i * imageSize, di = dyo + i * k * planeIn;
                    float[] dy = dyIn;
                    int plane = planeIn;
                    if (arg != null) {
                        // this unit's rows of dY unpooled into the worker's buffer, read as rows 0..r1-r0
                        dyRows(dyIn, dyo, arg, ao, i, k, oh, ow, r0, r1, me.dy);
                        dy = me.dy;
                        plane = (r1 - r0) * ow;
                        di = 0;
                        xi += r0 * w;
                        r1 -= r0;
                        r0 = 0;
                    }
                    sumRows(dy, di + r0 * ow, plane, k, (r1 - r0) * ow, part.bias);
                    for (int f = 0; f < k; f += 4) {
                        for (int t = 0; t < patch; t += 3) {
                            if (f + 4 <= k && t + 3 <= patch) {
                                dot4x3(x, xi, w, off, t, dy, di + f * plane, plane, ow, r0, r1, keep, part.lanes, (f * patch + t) * L, patch * L);
                            } else {
                                for (int ff = f; ff < Math.min(k, f + 4); ff++) {
                                    for (int tt = t; tt < Math.min(patch, t + 3); tt++) {
                                        part.sums[ff * patch + tt] += dot(x, xi + off[tt], w, dy, di + ff * plane, ow, r0, r1, keep);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
        // each group's vector sums reduced once, in a fixed lane order (Lanes.sum)
        for (int ch = 0; ch < used; ch++) {
            Chunk c = chunks[ch];
            for (int e = 0; e < size; e++) c.sums[e] += Lanes.sum(FloatVector.fromArray(S, c.lanes, e * L));
        }
        addPartials(used, size, dw, dwo);
        return used;
    }

    /**
     * lanes[r][s] += the lane-wise Σ over rows r0..r1 of dY[f+r] · x at tap t+s, as vectors (one
     * horizontal sum per entry at the end of the weight gradient, not one per call); dY planes
     * {@code plane} apart, entries (r, s) at lanes[so + r*ld + s*L].
     */
    private static void dot4x3(float[] x, int xi, int w, int[] off, int t, float[] dy, int d, int plane, int ow,
                               int r0, int r1, float[] keep, float[] lanes, int so, int ld) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        int last = ow - L, steps = (ow + L - 1) / L;
        int xr0 = xi + off[t] + r0 * w, xr1 = xi + off[t + 1] + r0 * w, xr2 = xi + off[t + 2] + r0 * w;
        int d0 = d + r0 * ow, d1 = d0 + plane, d2 = d1 + plane, d3 = d2 + plane;
        // one flat loop over (row, vector) with the row advanced by integer bookkeeping: JDK 17
        // keeps vector accumulators in registers in a simple loop, not across a loop nest
        for (int idx = 0, s = 0, total = (r1 - r0) * steps; idx < total; idx++) {
            int ox = s * L, o = Math.min(ox, last);
            // the tail mask is a load, not a branch around vector code
            FloatVector m = FloatVector.fromArray(S, keep, o == ox ? 0 : L);
            FloatVector y0 = FloatVector.fromArray(S, x, xr0 + o).mul(m);
            FloatVector y1 = FloatVector.fromArray(S, x, xr1 + o).mul(m);
            FloatVector y2 = FloatVector.fromArray(S, x, xr2 + o).mul(m);
            FloatVector a = FloatVector.fromArray(S, dy, d0 + o);
            c00 = a.fma(y0, c00); c01 = a.fma(y1, c01); c02 = a.fma(y2, c02);
            a = FloatVector.fromArray(S, dy, d1 + o);
            c10 = a.fma(y0, c10); c11 = a.fma(y1, c11); c12 = a.fma(y2, c12);
            a = FloatVector.fromArray(S, dy, d2 + o);
            c20 = a.fma(y0, c20); c21 = a.fma(y1, c21); c22 = a.fma(y2, c22);
            a = FloatVector.fromArray(S, dy, d3 + o);
            c30 = a.fma(y0, c30); c31 = a.fma(y1, c31); c32 = a.fma(y2, c32);
            if (++s == steps) {
                s = 0;
                xr0 += w; xr1 += w; xr2 += w;
                d0 += ow; d1 += ow; d2 += ow; d3 += ow;
            }
        }
        c00.add(FloatVector.fromArray(S, lanes, so)).intoArray(lanes, so);
        c01.add(FloatVector.fromArray(S, lanes, so + L)).intoArray(lanes, so + L);
        c02.add(FloatVector.fromArray(S, lanes, so + 2 * L)).intoArray(lanes, so + 2 * L);
        c10.add(FloatVector.fromArray(S, lanes, so + ld)).intoArray(lanes, so + ld);
        c11.add(FloatVector.fromArray(S, lanes, so + ld + L)).intoArray(lanes, so + ld + L);
        c12.add(FloatVector.fromArray(S, lanes, so + ld + 2 * L)).intoArray(lanes, so + ld + 2 * L);
        c20.add(FloatVector.fromArray(S, lanes, so + 2 * ld)).intoArray(lanes, so + 2 * ld);
        c21.add(FloatVector.fromArray(S, lanes, so + 2 * ld + L)).intoArray(lanes, so + 2 * ld + L);
        c22.add(FloatVector.fromArray(S, lanes, so + 2 * ld + 2 * L)).intoArray(lanes, so + 2 * ld + 2 * L);
        c30.add(FloatVector.fromArray(S, lanes, so + 3 * ld)).intoArray(lanes, so + 3 * ld);
        c31.add(FloatVector.fromArray(S, lanes, so + 3 * ld + L)).intoArray(lanes, so + 3 * ld + L);
        c32.add(FloatVector.fromArray(S, lanes, so + 3 * ld + 2 * L)).intoArray(lanes, so + 3 * ld + 2 * L);
    }

    /** One filter and one tap: Σ over rows r0..r1 of dY · x (the edges of {@link #dot4x3}'s blocks). */
    private static float dot(float[] x, int xt, int w, float[] dy, int d, int ow, int r0, int r1, float[] keep) {
        FloatVector acc = FloatVector.zero(S);
        int last = ow - L, steps = (ow + L - 1) / L, xr = xt + r0 * w, dr = d + r0 * ow;
        for (int idx = 0, s = 0, total = (r1 - r0) * steps; idx < total; idx++) {
            int ox = s * L, o = Math.min(ox, last);
            FloatVector a = FloatVector.fromArray(S, dy, dr + o).mul(FloatVector.fromArray(S, keep, o == ox ? 0 : L));
            acc = a.fma(FloatVector.fromArray(S, x, xr + o), acc);
            if (++s == steps) { s = 0; xr += w; dr += ow; }
        }
        return Lanes.sum(acc);
    }

    /** dx (n, C, H, W) = col2im(Wᵀ · dy[i]) for every image: the flipped kernel over dy zero-padded. */
    /** With {@code arg} (not null), dy is given max-pooled, as in {@link #weightGrad}. */
    synchronized void inputGrad(float[] dy, int dyo, float[] arg, int ao, float[] w, int wo, ConvGeometry g, int n,
                                float[] dx, int dxo) {
        int k = g.k(), c = g.c(), kh = g.kh(), kw = g.kw();
        int qh = kh - 1 - g.pad(), qw = kw - 1 - g.pad();
        int pw = g.ow() + 2 * qw;
        int taps = kh * kw, patch = k * taps;
        if (flipped.length < c * patch) flipped = new float[c * patch];
        for (int f = 0; f < k; f++) {
            for (int ch = 0; ch < c; ch++) {
                int from = wo + (f * c + ch) * taps, to = ch * patch + f * taps;
                for (int t = 0; t < taps; t++) flipped[to + taps - 1 - t] = w[from + t];
            }
        }
        packedW = packWeights(flipped, 0, c, patch, packedW);
        // Each unit of output rows pads the dY rows it reads into its worker's buffer (in cache),
        // instead of one zero-padded copy of the whole batch.
        int h = g.h(), wd = g.w(), oh = g.oh(), ow = g.ow();
        int rowsPer = Math.min(h, IG_ROWS), local = rowsPer + kh - 1, plane = local * pw;
        int[] off = offsets(k, local, pw, kh, kw), runs = runs(off, kw);
        int blocks = (h + rowsPer - 1) / rowsPer, units = n * blocks, outImage = c * h * wd, dyImage = k * oh * ow;
        float[] pa = packedW;
        boolean inBuffer = wd >= NR;
        int ldu = rowsPer * pw;         // one channel's rows in the worker's buffer (inBuffer)
        AtomicInteger next = new AtomicInteger();
        int run = run(units);
        pool.run(units, (wk, ws) -> {
            Worker me = workers[wk];
            if (me.panel.length < off.length * NR) me.panel = new float[off.length * NR];
            if (me.padded.length < k * plane) me.padded = new float[k * plane];
            if (inBuffer && me.unit.length < c * ldu) me.unit = new float[c * ldu];
            float[] buf = me.padded;
            for (int u = -1; (u = next(next, u, run)) < units; ) {
                int i = u / blocks, r0 = (u % blocks) * rowsPer, r1 = Math.min(h, r0 + rowsPer);
                // buffer row lr is padded row r0 + lr, i.e. dY row r0 + lr - qh
                for (int f = 0; f < k; f++) {
                    for (int lr = 0; lr < r1 - r0 + kh - 1; lr++) {
                        int d = f * plane + lr * pw, sy = r0 + lr - qh;
                        if (sy < 0 || sy >= oh) {
                            Arrays.fill(buf, d, d + pw, 0f);
                        } else {
                            Arrays.fill(buf, d, d + qw, 0f);
                            if (arg == null) System.arraycopy(dy, dyo + i * dyImage + f * oh * ow + sy * ow, buf, d + qw, ow);
                            else dyRow(dy, dyo, arg, ao, (i * k + f) * (oh / 2), oh / 2, ow / 2, ow, sy, buf, d + qw);
                            Arrays.fill(buf, d + qw + ow, d + pw, 0f);
                        }
                    }
                }
                int dxi = dxo + i * outImage;
                if (inBuffer) {
                    // the unit's rows as one run of positions pw apart, panels crossing row ends
                    // (see block; with 32-wide panels conv3 takes 14 for 8 rows of 54, not 16), into the worker's
                    // buffer, then copied out row by row (cheap beside a reduction of K*KH*KW)
                    int rows = r1 - r0;
                    block(buf, 0, (rows - 1) * pw + wd, off, runs, pa, c, null, 0, false, me.unit, ldu, me);
                    for (int ch = 0; ch < c; ch++) {
                        for (int lr = 0; lr < rows; lr++) {
                            System.arraycopy(me.unit, ch * ldu + lr * pw, dx, dxi + ch * h * wd + (r0 + lr) * wd, wd);
                        }
                    }
                } else {
                    for (int oy = r0; oy < r1; oy++) {
                        row(buf, (oy - r0) * pw, off, runs, pa, c, null, 0, false, dx, dxi + oy * wd, h * wd, wd, me);
                    }
                }
            }
        });
    }

    /**
     * The forward pass's loop: out[i][m][oy][ox] for (image, block of ROWS rows) units taken in turn
     * by the threads; with {@code pooled}, each unit then max-pools the pairs of rows it computed.
     */
    private void rows(float[] src, int so, int srcImage, int srcW, int[] off, int kw, float[] pa, int m,
                      float[] bias, int bo, boolean relu, float[] out, int oo, int oh, int ow, int n,
                      float[] pooled, int po, float[] argmax, int ao) {
        int blocks = (oh + ROWS - 1) / ROWS, units = n * blocks, outImage = m * oh * ow;
        int[] runs = runs(off, kw);
        AtomicInteger next = new AtomicInteger();
        int run = run(units);
        pool.run(units, (wk, ws) -> {
            Worker me = workers[wk];
            if (me.panel.length < off.length * NR) me.panel = new float[off.length * NR];
            // y not kept and rows at least a panel wide: each unit's rows are computed as one run of
            // positions srcW apart per row (see block) into the worker's buffer, rows srcW apart
            boolean inBuffer = out == null && ow >= NR;
            int rowLd = inBuffer ? srcW : ow;
            if (out == null && me.unit.length < m * ROWS * rowLd) me.unit = new float[m * ROWS * rowLd];
            // the unit's rows go to y, or (not kept) to the worker's buffer: filter f's rows at d0 + f*ld
            float[] dst = out != null ? out : me.unit;
            int ld = out != null ? oh * ow : ROWS * rowLd;
            for (int u = -1; (u = next(next, u, run)) < units; ) {
                int i = u / blocks, r0 = (u % blocks) * ROWS, r1 = Math.min(oh, r0 + ROWS);
                int d0 = out != null ? oo + i * outImage + r0 * ow : 0;
                if (inBuffer) {
                    block(src, so + i * srcImage + r0 * srcW, (r1 - r0 - 1) * srcW + ow, off, runs, pa, m, bias, bo, relu, dst, ld, me);
                } else {
                    for (int oy = r0; oy < r1; oy++) {
                        row(src, so + i * srcImage + oy * srcW, off, runs, pa, m, bias, bo, relu, dst, d0 + (oy - r0) * ow, ld, ow, me);
                    }
                }
                if (pooled != null) {
                    // ROWS is even, so the unit holds whole windows: pooled rows r0/2 .. r1/2 (an odd last row is dropped)
                    int ph = oh / 2, pw = ow / 2, pr0 = r0 / 2, pr = Math.min(ph, r1 / 2) - pr0;
                    for (int f = 0; f < m && pr > 0; f++) {
                        int at = (i * m + f) * ph * pw + pr0 * pw;
                        Pooling.forward(dst, d0 + f * ld, 1, 2 * pr, ow, rowLd, pooled, po + at, argmax, ao + at);
                    }
                }
            }
        });
    }

    /**
     * Output rows of one unit computed as a single run of {@code span} = (rows-1)*w + ow positions,
     * w apart per row, in panels of NR (the last one shifted back to end at the span's end): a
     * panel may run from one row into the next, through the w - ow positions between them, which
     * are computed too and never read. Filter f's positions go to buf[f*ldb + q]. Where ow is not a
     * multiple of NR this computes fewer panels than row by row (conv3: 7 for 4 rows of 52, not 8),
     * and needs no copy when the rows are only pooled.
     */
    private static void block(float[] x, int base, int span, int[] off, int[] runs, float[] pa, int m,
                              float[] bias, int bo, boolean relu, float[] buf, int ldb, Worker me) {
        int kc = off.length;
        for (int q = 0; q < span; q += NR) {
            int q0 = Math.min(q, span - NR);
            for (int ir = 0; ir < m; ir += MR) {
                if (runs != null) MicroKernel.multiplyAt3(kc, pa, ir * kc, x, base + q0, runs, me.tile);
                else MicroKernel.multiplyAt(kc, pa, ir * kc, x, base + q0, off, me.tile);
                MicroKernel.storeBias(me.tile, Math.min(MR, m - ir), NR, bias, bo + ir, relu, buf, ir * ldb + q0, ldb);
            }
        }
    }

    /**
     * One output row in panels of NR positions read in place. When the row is not a multiple of
     * NR wide, its last panel is shifted left to end at the row's end: the columns it shares with
     * the panel before are computed twice and written twice with the same value. Only a row
     * narrower than NR is packed (zero-filled) first.
     */
    private static void row(float[] x, int base, int[] off, int[] runs, float[] pa, int m, float[] bias, int bo, boolean relu,
                            float[] out, int o, int ldo, int ow, Worker me) {
        int kc = off.length;
        if (ow < NR) {
            float[] panel = me.panel;
            for (int p = 0; p < kc; p++) {
                int s = base + off[p], d = p * NR;
                for (int j = 0; j < ow; j++) panel[d + j] = x[s + j];
                Arrays.fill(panel, d + ow, d + NR, 0f);
            }
            for (int ir = 0; ir < m; ir += MR) {
                MicroKernel.multiply(kc, pa, ir * kc, panel, 0, NR, me.tile);
                MicroKernel.storeBias(me.tile, Math.min(MR, m - ir), ow, bias, bo + ir, relu, out, o + ir * ldo, ldo);
            }
            return;
        }
        for (int ox0 = 0; ox0 < ow; ox0 += NR) {
            int ox = Math.min(ox0, ow - NR);
            for (int ir = 0; ir < m; ir += MR) {
                if (runs != null) MicroKernel.multiplyAt3(kc, pa, ir * kc, x, base + ox, runs, me.tile);
                else MicroKernel.multiplyAt(kc, pa, ir * kc, x, base + ox, off, me.tile);
                MicroKernel.storeBias(me.tile, Math.min(MR, m - ir), NR, bias, bo + ir, relu, out, o + ir * ldo + ox, ldo);
            }
        }
    }

    /**
     * How many consecutive units a thread claims at a time: about 8 runs per thread. Neighbouring
     * units write neighbouring rows of every output plane, so the cache lines where one unit's rows
     * end and the next one's begin are written by both; claimed one at a time, the threads took
     * turns and those lines moved between the cores on nearly every unit (conv1's forward pass
     * ran 26 ms on two threads, 30 on one).
     */
    private int run(int units) { return Math.max(1, units / (8 * pool.threads())); }

    /** The unit after {@code u}: the next of the thread's claimed run, or the first of a new run. */
    private static int next(AtomicInteger next, int u, int run) {
        return u >= 0 && (u + 1) % run != 0 ? u + 1 : next.getAndAdd(run);
    }

    /** The kernel (rows, cols) packed as the micro-kernel's A panels over the whole reduction. */
    private static float[] packWeights(float[] w, int wo, int rows, int cols, float[] dst) {
        int size = VectorGemm.roundUp(rows, MR) * cols;
        if (dst.length < size) dst = new float[size];
        GemmPacking.packA(false, w, wo, rows, cols, 0, rows, 0, cols, dst);
        return dst;
    }

    /** For a kernel 3 taps wide, the offsets of the taps with j = 0 (each the start of a run of three); else null. */
    private static int[] runs(int[] off, int kw) {
        if (kw != 3) return null;
        int[] runs = new int[off.length / 3];
        for (int r = 0; r < runs.length; r++) runs[r] = off[3 * r];
        return runs;
    }

    /** off[(c*KH + i)*KW + j] = c*H*W + i*W + j: where tap (c, i, j) sits relative to an output position. */
    static int[] offsets(int c, int h, int w, int kh, int kw) {
        int[] off = new int[c * kh * kw];
        for (int ch = 0, t = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) off[t++] = ch * h * w + i * w + j;
            }
        }
        return off;
    }

    /** planes (h, w) copied into the padded workspace as (h + 2*ph, w + 2*pw) with zero borders. */
    private float[] pad(float[] src, int so, int planes, int h, int w, int ph, int pw) {
        int hp = h + 2 * ph, wp = w + 2 * pw;
        long size = (long) planes * hp * wp;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("padded convolution workspace too large: " + size + " floats");
        if (padded.length < size) padded = new float[(int) size];
        float[] dst = padded;
        pool.range(planes, Math.max(1, (1 << 15) / (hp * wp)), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int d = pl * hp * wp, s = so + pl * h * w;
                Arrays.fill(dst, d, d + ph * wp, 0f);
                d += ph * wp;
                for (int y = 0; y < h; y++, d += wp, s += w) {
                    Arrays.fill(dst, d, d + pw, 0f);
                    System.arraycopy(src, s, dst, d + pw, w);
                    Arrays.fill(dst, d + pw + w, d + wp, 0f);
                }
                Arrays.fill(dst, d, d + ph * wp, 0f);
            }
        });
        return dst;
    }
}
