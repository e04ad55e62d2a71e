package org.marquee.engine.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.cpu.ConvScheduler.Chunk;
import org.marquee.engine.cpu.ConvScheduler.Worker;

/**
 * The weight gradient of the direct convolution, with the column matrix read from the image:
 * <pre>
 *   dWᵀ (taps, K) = cols · dYᵀ
 * </pre>
 * The micro-kernel broadcasts x at 8 taps from the image and multiplies packed dYᵀ panels; only
 * dY is packed, and dWᵀ is transposed into dW at the end ({@link #transposed}). Kernels with few
 * taps (conv1's 27) use dot products along output rows instead ({@link #dotProducts}). Each fixed
 * group of units ({@link Chunk}) sums its own share, so the result does not depend on the threads
 * ({@link ConvScheduler}). A gradient given max-pooled is unpooled a unit's rows at a time
 * ({@link #dyRows}).
 */
final class DirectConvWeightGrad {
    private static final int MR = MicroKernel.MR, NR = MicroKernel.NR, L = MicroKernel.L;
    private static final VectorSpecies<Float> S = MicroKernel.S;
    /** Kernels with at most this many taps (C*KH*KW) take the dot-product weight gradient. */
    private static final int DOT_MAX_PATCH = 64;
    /** Output rows per unit of the dot-product weight gradient. */
    private static final int DOT_ROWS = 8;
    /** About this many positions (whole output rows) per unit of the weight gradient. */
    private static final int WG_POSITIONS = 512;

    /**
     * One weight-gradient call's loop invariants: the n (padded) images x, the taps' offsets off
     * (taps = off.length) of the geometry g's kernel (K filters, kw wide, output oh x ow), dY
     * (plain or given max-pooled) and dW (K, taps).
     */
    private record Pass(DirectConvForward.Images x, int[] off, ConvGeometry g, int n, ConvGradient dy, Slice dw) {}

    private final ConvScheduler scheduler;
    private final PaddedImages padded;
    private final Pooling pooling;

    DirectConvWeightGrad(ConvScheduler scheduler, PaddedImages padded, Pooling pooling) {
        this.scheduler = scheduler;
        this.padded = padded;
        this.pooling = pooling;
    }

    /**
     * dw (K, C*KH*KW) += Σ over images of dy[i] (K, OH*OW) · im2col(x[i])ᵀ, and db (K) += Σ of dy[i][f].
     * When dy is given max-pooled ({@link ConvGradient#isPooled}): the pooling's gradient (n, K,
     * OH/2, OW/2) and its winners, and each unit unpools the rows of dY it reads (see {@link #dyRows}).
     */
    void weightGrad(ConvGeometry g, int n, Slice x, ConvGradient dy, Slice dw, Slice db) {
        int pad = g.pad(), hp = g.h() + 2 * pad, wp = g.w() + 2 * pad;
        float[] src = pad > 0 ? padded.pad(x.array(), x.offset(), n * g.c(), g.h(), g.w(), pad, pad) : x.array();    // padded into the workspace
        int so = pad > 0 ? 0 : x.offset();
        int[] off = DirectConvForward.offsets(g.c(), hp, wp, g.kh(), g.kw());
        int filters = g.k(), patch = g.patch(), ow = g.ow(), imageSize = g.c() * hp * wp;
        Pass pass = new Pass(new DirectConvForward.Images(new Slice(src, so), imageSize, wp), off, g, n, dy, dw);
        int used = patch <= DOT_MAX_PATCH && ow >= L ? dotProducts(pass) : transposed(pass);
        scheduler.addBias(used, filters, db.array(), db.offset());
    }

    /**
     * The weight gradient computed transposed, dWᵀ (taps, K), so that only dY needs packing: for a
     * block of output rows, dYᵀ is packed in panels of NR filters, and the micro-kernel broadcasts
     * the image's values for MR taps straight from the image. Each group of units (a {@link Chunk})
     * adds into its own dWᵀ and sums its dY into its bias share; the groups' dWᵀ are transposed
     * into dw at the end. Returns how many chunks were used.
     */
    private int transposed(Pass pass) {
        ConvGradient grad = pass.dy();
        ConvGeometry g = pass.g();
        float[] x = pass.x().data().array(), dy = grad.values().array(), dw = pass.dw().array();
        int[] off = pass.off();
        int xo = pass.x().data().offset(), imageSize = pass.x().imageSize(), width = pass.x().width(), kw = g.kw();
        int dyo = grad.values().offset(), filters = g.k(), oh = g.oh(), ow = g.ow(), n = pass.n();
        int dwo = pass.dw().offset();
        boolean pooledDy = grad.isPooled();
        int patch = off.length, size = filters * patch, plane = oh * ow;
        int rowsPer = Math.max(1, Math.min(oh, WG_POSITIONS / ow));
        int blocks = (oh + rowsPer - 1) / rowsPer, units = n * blocks;
        int filtersPad = VectorGemm.roundUp(filters, NR);
        Pooling pooling = this.pooling;
        AtomicInteger next = new AtomicInteger();
        int used = scheduler.chunks(units, size, filters);
        scheduler.pool().run(used, (wk, ws) -> {
            Worker me = scheduler.worker(wk);
            int most = (rowsPer - 1) * width + ow;
            if (me.packedB.length < filtersPad * most) me.packedB = new float[filtersPad * most];
            if (pooledDy && me.dy.length < filters * rowsPer * ow) me.dy = new float[filters * rowsPer * ow];
            int[] taps = me.taps;
            for (int ch; (ch = next.getAndIncrement()) < used; ) {
                Chunk part = scheduler.chunk(ch);
                for (int u = units * ch / used; u < units * (ch + 1) / used; u++) {
                    int i = u / blocks, r0 = (u % blocks) * rowsPer, r1 = Math.min(oh, r0 + rowsPer);
                    // the unit's rows as one run of positions, width apart per row: depth = positions
                    // (row, col) with col < width, the last row cut at ow; the columns col >= ow hold zeros in dYᵀ
                    int depth = (r1 - r0 - 1) * width + ow, d0 = dyo + i * filters * plane + r0 * ow;
                    float[] src = dy;
                    int from = d0, ld = plane;
                    if (pooledDy) {      // this unit's rows of dY, unpooled into the worker's buffer
                        dyRows(pooling, grad, g, i, r0, r1, me.dy);
                        src = me.dy;
                        from = 0;
                        ld = (r1 - r0) * ow;
                    }
                    packFiltersT(src, from, ld, filters, r1 - r0, ow, width, me.packedB);
                    sumRows(src, from, ld, filters, (r1 - r0) * ow, part.bias);
                    int xi = xo + i * imageSize + r0 * width;
                    for (int f0 = 0; f0 < filters; f0 += NR) {
                        int cols = Math.min(NR, filters - f0), t0 = 0;
                        // kernels 3 wide: 9 taps (three runs of three adjacent pixels) per tile
                        for (; kw == 3 && t0 + 9 <= patch; t0 += 9) {
                            MicroKernel.multiplyRow3x3(depth, x, xi + off[t0], xi + off[t0 + 3], xi + off[t0 + 6],
                                    me.packedB, f0 * depth, me.tile9);
                            MicroKernel.store(me.tile9, 9, cols, 1f, 1f, part.sums, t0 * filters + f0, filters);
                        }
                        for (; t0 < patch; t0 += MR) {
                            int rows = Math.min(MR, patch - t0);
                            for (int r = 0; r < MR; r++) taps[r] = xi + off[t0 + Math.min(r, rows - 1)];
                            MicroKernel.multiplyRow(depth, x, taps, 0, me.packedB, f0 * depth, me.tile);
                            MicroKernel.store(me.tile, rows, cols, 1f, 1f, part.sums, t0 * filters + f0, filters);
                        }
                    }
                }
            }
        });
        for (int f = 0; f < filters; f++) {
            for (int t = 0; t < patch; t++) {
                float sum = 0f;
                for (int ch = 0; ch < used; ch++) sum += scheduler.chunk(ch).sums[t * filters + f];
                dw[dwo + f * patch + t] += sum;
            }
        }
        return used;
    }

    /**
     * Rows r0..r1 of dY for image i and all K filters of g (output oh x ow), unpooled from the
     * pooling's gradient dp (n, K, oh/2, ow/2) and its winners (both in {@code dy}), into buf (K,
     * r1-r0, ow): filter f's row r at (f*(r1-r0) + r - r0)*ow. A window's gradient goes to its
     * winner, 0 elsewhere; a trailing odd row or column gets 0.
     */
    private static void dyRows(Pooling pooling, ConvGradient dy, ConvGeometry g, int i, int r0, int r1, float[] buf) {
        int filters = g.k(), oh = g.oh(), ow = g.ow();
        int ph = oh / 2, rows = r1 - r0;
        for (int f = 0; f < filters; f++) {
            for (int r = r0; r < r1; r++) {
                int d = (f * rows + r - r0) * ow;
                dyRow(pooling, dy, (i * filters + f) * ph, oh, ow, r, buf, d);
            }
        }
    }

    /**
     * Row r of one dY plane (oh, ow), unpooled from the pooling's plane (oh/2, ow/2) of the
     * max-pooled {@code dy} whose first row is {@code prow}, into buf[d .. d+ow).
     */
    static void dyRow(Pooling pooling, ConvGradient dy, int prow, int oh, int ow, int r, float[] buf, int d) {
        int ph = oh / 2, pw = ow / 2;
        if (r / 2 >= ph) {
            Arrays.fill(buf, d, d + ow, 0f);
        } else {
            int at = (prow + r / 2) * pw;
            Slice dp = dy.values(), arg = dy.winners();
            pooling.unpoolRow(dp.array(), dp.offset() + at, arg.array(), arg.offset() + at, ow, r & 1, buf, d);
        }
    }

    /** acc[f] += Σ of dy[src + f*plane + q] over q < len, for f < filters: the bias gradient's share of a unit. */
    private static void sumRows(float[] dy, int src, int plane, int filters, int len, float[] acc) {
        for (int f = 0; f < filters; f++) {
            int s = src + f * plane, q = 0;
            FloatVector v = FloatVector.zero(S);
            for (; q <= len - L; q += L) v = v.add(FloatVector.fromArray(S, dy, s + q));
            float sum = Lanes.sum(v);
            for (; q < len; q++) sum += dy[s + q];
            acc[f] += sum;
        }
    }

    /**
     * dYᵀ for {@code rows} output rows of ow positions, in panels of NR filters, laid out width
     * positions per row: step q = r*width + col of panel f0/NR holds dY[f0..f0+NR)[r][col], and 0
     * for the width - ow steps between rows (so they add nothing); depth = (rows-1)*width + ow steps
     * per panel, dst (filters rounded up to NR / NR, depth, NR).
     */
    private static void packFiltersT(float[] dy, int src, int plane, int filters, int rows, int ow, int width, float[] dst) {
        int depth = (rows - 1) * width + ow;
        for (int f0 = 0; f0 < filters; f0 += NR) {
            int cols = Math.min(NR, filters - f0), d = f0 * depth;
            for (int r = 0; r < rows; r++) {
                for (int cc = 0; cc < ow; cc += 64) {
                    int ce = Math.min(ow, cc + 64);
                    for (int f = 0; f < cols; f++) {
                        int s = src + (f0 + f) * plane + r * ow;
                        for (int q = cc, o = d + (r * width + cc) * NR + f; q < ce; q++, o += NR) dst[o] = dy[s + q];
                    }
                }
                if (r < rows - 1) Arrays.fill(dst, d + (r * width + ow) * NR, d + (r + 1) * width * NR, 0f);
            }
            if (cols < NR) {
                for (int q = 0; q < depth; q++) Arrays.fill(dst, d + q * NR + cols, d + (q + 1) * NR, 0f);
            }
        }
    }

    /**
     * The weight gradient as dot products along output rows, for kernels with few taps (conv1's
     * 27), where packing colsᵀ would cost as much as the arithmetic: a block of 4 filters x 3 taps
     * keeps 12 vector sums over a block of rows, reading dY and the image in place. Each group of
     * units (a {@link Chunk}) also sums its dY into its bias share. Returns how many chunks were used.
     */
    private int dotProducts(Pass pass) {
        ConvGradient grad = pass.dy();
        ConvGeometry g = pass.g();
        float[] x = pass.x().data().array(), dyIn = grad.values().array(), dw = pass.dw().array();
        int[] off = pass.off();
        int xo = pass.x().data().offset(), imageSize = pass.x().imageSize(), width = pass.x().width();
        int dyo = grad.values().offset(), filters = g.k(), oh = g.oh(), ow = g.ow(), n = pass.n();
        int dwo = pass.dw().offset();
        boolean pooledDy = grad.isPooled();
        int patch = off.length, size = filters * patch, planeIn = oh * ow;
        int blocks = (oh + DOT_ROWS - 1) / DOT_ROWS, units = n * blocks;
        // keep[0..L) is all ones; keep[L..2L) is for the last vector of a ragged row, which starts at
        // ow - L: its first lanes were counted by the vector before, so they are multiplied by 0
        float[] keep = new float[2 * L];
        Pooling pooling = this.pooling;
        for (int l = 0; l < L; l++) { keep[l] = 1f; keep[L + l] = l >= L - ow % L ? 1f : 0f; }
        AtomicInteger next = new AtomicInteger();
        int used = scheduler.chunks(units, size, filters);
        for (int ch = 0; ch < used; ch++) {
            Chunk group = scheduler.chunk(ch);
            if (group.lanes.length < size * L + WorkerPool.PAD) group.lanes = new float[size * L + WorkerPool.PAD];
            Arrays.fill(group.lanes, 0, size * L, 0f);
        }
        scheduler.pool().run(used, (wk, ws) -> {
            Worker me = scheduler.worker(wk);
            if (pooledDy && me.dy.length < filters * DOT_ROWS * ow) me.dy = new float[filters * DOT_ROWS * ow];
            for (int ch; (ch = next.getAndIncrement()) < used; ) {
                Chunk part = scheduler.chunk(ch);
                for (int u = units * ch / used; u < units * (ch + 1) / used; u++) {
                    int i = u / blocks, r0 = (u % blocks) * DOT_ROWS, r1 = Math.min(oh, r0 + DOT_ROWS);
                    int xi = xo + i * imageSize, di = dyo + i * filters * planeIn;
                    float[] dy = dyIn;
                    int plane = planeIn;
                    if (pooledDy) {
                        // this unit's rows of dY unpooled into the worker's buffer, read as rows 0..r1-r0
                        dyRows(pooling, grad, g, i, r0, r1, me.dy);
                        dy = me.dy;
                        plane = (r1 - r0) * ow;
                        di = 0;
                        xi += r0 * width;
                        r1 -= r0;
                        r0 = 0;
                    }
                    sumRows(dy, di + r0 * ow, plane, filters, (r1 - r0) * ow, part.bias);
                    for (int f = 0; f < filters; f += 4) {
                        for (int t = 0; t < patch; t += 3) {
                            if (f + 4 <= filters && t + 3 <= patch) {
                                dot4x3(x, xi, width, off, t, dy, di + f * plane, plane, ow, r0, r1, keep, part.lanes, (f * patch + t) * L, patch * L);
                            } else {
                                for (int ff = f; ff < Math.min(filters, f + 4); ff++) {
                                    for (int tt = t; tt < Math.min(patch, t + 3); tt++) {
                                        part.sums[ff * patch + tt] += dot(x, xi + off[tt], width, dy, di + ff * plane, ow, r0, r1, keep);
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
            Chunk group = scheduler.chunk(ch);
            for (int e = 0; e < size; e++) group.sums[e] += Lanes.sum(FloatVector.fromArray(S, group.lanes, e * L));
        }
        scheduler.addPartials(used, size, dw, dwo);
        return used;
    }

    /**
     * lanes[r][s] += the lane-wise Σ over rows r0..r1 of dY[f+r] · x at tap t+s, as vectors (one
     * horizontal sum per entry at the end of the weight gradient, not one per call); dY planes
     * {@code plane} apart, image rows {@code width} apart, entries (r, s) at lanes[so + r*ld + s*L].
     */
    private static void dot4x3(float[] x, int xi, int width, int[] off, int t, float[] dy, int d, int plane, int ow,
                               int r0, int r1, float[] keep, float[] lanes, int so, int ld) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        int last = ow - L, steps = (ow + L - 1) / L;
        int xr0 = xi + off[t] + r0 * width, xr1 = xi + off[t + 1] + r0 * width, xr2 = xi + off[t + 2] + r0 * width;
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
                xr0 += width; xr1 += width; xr2 += width;
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
    private static float dot(float[] x, int xt, int width, float[] dy, int d, int ow, int r0, int r1, float[] keep) {
        FloatVector acc = FloatVector.zero(S);
        int last = ow - L, steps = (ow + L - 1) / L, xr = xt + r0 * width, dr = d + r0 * ow;
        for (int idx = 0, s = 0, total = (r1 - r0) * steps; idx < total; idx++) {
            int ox = s * L, o = Math.min(ox, last);
            FloatVector a = FloatVector.fromArray(S, dy, dr + o).mul(FloatVector.fromArray(S, keep, o == ox ? 0 : L));
            acc = a.fma(FloatVector.fromArray(S, x, xr + o), acc);
            if (++s == steps) { s = 0; xr += width; dr += ow; }
        }
        return Lanes.sum(acc);
    }
}
