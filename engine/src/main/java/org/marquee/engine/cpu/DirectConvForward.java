package org.marquee.engine.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.cpu.ConvScheduler.Worker;

/**
 * The forward pass of the direct convolution: the micro-kernel's B panel read from the image in
 * place.
 *
 * <p>Row (c, i, j) of the column matrix at position (oy, ox) is {@code x[c][oy + i][ox + j]}, i.e.
 * {@code x[off[c,i,j] + oy*W + ox]} with {@code off[c,i,j] = c*H*W + i*W + j} ({@link #offsets}).
 * So, with the weights packed as the micro-kernel's A panels,
 * <pre>
 *   y[f][oy][ox..ox+NR) = Σ_p Wpacked[f][p] · x[off[p] + oy*W + ox ..]
 * </pre>
 * and bias and ReLU are applied as the tiles are stored. A padded input is first copied into a
 * zero-padded workspace ({@link PaddedImages}). With pooling, each unit of {@link #rowsPerUnit} output
 * rows is max-pooled while it is in cache, and y need not be kept at all.
 *
 * <p>The same sweep ({@link #block}, {@link #row}) serves the input gradient, a forward
 * convolution of dY with the flipped kernel ({@link DirectConvInputGrad}).
 */
final class DirectConvForward {
    private static final int MR = MicroKernel.MR, NR = MicroKernel.NR;
    /** Output rows per unit of forward work ({@link CpuTuning#convRows()}); even, so that a unit holds whole 2x2 pooling windows. */
    private final int rowsPerUnit;

    /**
     * The loop invariants of sweeping packed weights over an image, one per call: the taps'
     * offsets {@code off} (the reduction, depth = off.length) and, for kernels 3 wide, their
     * {@link #runs}; the packed weights (planes rounded up to MR, depth); the number of output
     * planes (filters forward, input channels for the input gradient); and what each stored tile
     * gets ({@link MicroKernel.Epilogue}: bias and ReLU).
     *
     * @param runs for kernels 3 wide, the offsets of each run of three taps ({@link #runs}); null otherwise
     */
    record Sweep(int[] off, int[] runs, float[] packed, int planes, MicroKernel.Epilogue epilogue) {}

    /**
     * n images in one array: image i starts at data's offset + i*imageSize, its rows width apart.
     */
    record Images(Slice data, int imageSize, int width) {}

    /**
     * Where a forward call's output goes: y kept ({@link #kept}), or only its 2x2 max pooling, each
     * block of rows pooled while in cache and y never written ({@link #pooledOnly}).
     *
     * @param y      y (n, K, OH, OW); null when not kept (see {@link #keepsY})
     * @param pooled the pooling's outputs; null without pooling (see {@link #pools})
     */
    private record Outputs(Slice y, Pooled pooled) {
        static Outputs kept(Slice y) { return new Outputs(java.util.Objects.requireNonNull(y, "y"), null); }

        static Outputs pooledOnly(Pooled pooled) { return new Outputs(null, java.util.Objects.requireNonNull(pooled, "pooled")); }

        boolean keepsY() { return y != null; }

        boolean pools() { return pooled != null; }
    }

    /** One forward call's loop invariants: the (padded) images, the sweep, n outputs of oh x ow, and where they go. */
    private record Pass(Images src, Sweep sweep, int oh, int ow, int n, Outputs out) {}

    private final ConvScheduler scheduler;
    private final PaddedImages padded;
    private final Pooling pooling;
    /** (filters rounded up to MR, taps): the weights as A panels. */
    private float[] packedWeights = new float[0];

    DirectConvForward(ConvScheduler scheduler, PaddedImages padded, Pooling pooling, int rowsPerUnit) {
        if (rowsPerUnit < 2 || rowsPerUnit % 2 != 0) throw new IllegalArgumentException("rows per unit must be even and >= 2: " + rowsPerUnit);
        this.rowsPerUnit = rowsPerUnit;
        this.scheduler = scheduler;
        this.padded = padded;
        this.pooling = pooling;
    }

    /**
     * y (n, K, OH, OW) = W (K, C*KH*KW) convolved with x (n, C, H, W), plus bias (K).
     */
    void forward(ConvInput in, Slice y) { forward(in, Outputs.kept(y), false); }

    /**
     * As {@link #forward(ConvInput, Slice)}, then max(0, y), then y max-pooled 2x2 into {@code out}'s values and
     * winners (n, K, OH/2, OW/2) block by block of rows, while they are in cache; y is not kept:
     * each block of rows lives in the worker's buffer only.
     */
    void forwardPooled(ConvInput in, Pooled out) { forward(in, Outputs.pooledOnly(out), true); }

    private void forward(ConvInput in, Outputs outputs, boolean relu) {
        ConvGeometry g = in.g();
        int n = in.n();
        int pad = g.pad(), hp = g.h() + 2 * pad, wp = g.w() + 2 * pad;
        Slice x = in.x(), bias = in.bias();
        float[] src = pad > 0 ? padded.pad(x.array(), x.offset(), n * g.c(), g.h(), g.w(), pad, pad) : x.array();    // padded into the workspace
        int so = pad > 0 ? 0 : x.offset();
        packedWeights = packWeights(in.weights().array(), in.weights().offset(), g.k(), g.patch(), packedWeights);
        int[] off = offsets(g.c(), hp, wp, g.kh(), g.kw());
        Sweep sweep = new Sweep(off, runs(off, g.kw()), packedWeights, g.k(),
                new MicroKernel.Epilogue(bias.array(), bias.offset(), relu));
        rows(new Pass(new Images(new Slice(src, so), g.c() * hp * wp, wp), sweep, g.oh(), g.ow(), n, outputs));
    }

    /**
     * The forward pass's loop: out[i][f][oy][ox] for (image, block of rowsPerUnit rows) units taken in turn
     * by the threads; with pooling, each unit then max-pools the pairs of rows it computed.
     */
    private void rows(Pass pass) {
        Outputs outputs = pass.out();
        float[] src = pass.src().data().array(), out = outputs.keepsY() ? outputs.y().array() : null;  // null: y not kept
        Pooled pooled = outputs.pools() ? outputs.pooled() : null;                                    // null: no pooling
        int so = pass.src().data().offset(), srcImage = pass.src().imageSize(), srcWidth = pass.src().width();
        int oo = outputs.keepsY() ? outputs.y().offset() : 0;
        int oh = pass.oh(), ow = pass.ow(), n = pass.n();
        Sweep sweep = pass.sweep();
        Pooling pooling = this.pooling;
        int filters = sweep.planes(), depth = sweep.off().length;
        final int ROWS = rowsPerUnit;
        int blocks = (oh + ROWS - 1) / ROWS, units = n * blocks, outImage = filters * oh * ow;
        AtomicInteger next = new AtomicInteger();
        int run = scheduler.runLength(units);
        scheduler.pool().run(units, (wk, ws) -> {
            Worker me = scheduler.worker(wk);
            if (me.panel.length < depth * NR) me.panel = new float[depth * NR];
            // y not kept and rows at least a panel wide: each unit's rows are computed as one run of
            // positions srcWidth apart per row (see block) into the worker's buffer, rows srcWidth apart
            boolean inBuffer = out == null && ow >= NR;
            int rowLd = inBuffer ? srcWidth : ow;
            if (out == null && me.unit.length < filters * ROWS * rowLd) me.unit = new float[filters * ROWS * rowLd];
            // the unit's rows go to y, or (not kept) to the worker's buffer: filter f's rows at d0 + f*ld
            float[] dst = out != null ? out : me.unit;
            int ld = out != null ? oh * ow : ROWS * rowLd;
            for (int u = -1; (u = ConvScheduler.next(next, u, run)) < units; ) {
                int i = u / blocks, r0 = (u % blocks) * ROWS, r1 = Math.min(oh, r0 + ROWS);
                int d0 = out != null ? oo + i * outImage + r0 * ow : 0;
                if (inBuffer) {
                    block(sweep, src, so + i * srcImage + r0 * srcWidth, (r1 - r0 - 1) * srcWidth + ow, dst, ld, me);
                } else {
                    for (int oy = r0; oy < r1; oy++) {
                        row(sweep, src, so + i * srcImage + oy * srcWidth, dst, d0 + (oy - r0) * ow, ld, ow, me);
                    }
                }
                if (pooled != null) {
                    // ROWS is even, so the unit holds whole windows: pooled rows r0/2 .. r1/2 (an odd last row is dropped)
                    int ph = oh / 2, pw = ow / 2, pr0 = r0 / 2, pr = Math.min(ph, r1 / 2) - pr0;
                    for (int f = 0; f < filters && pr > 0; f++) {
                        int at = (i * filters + f) * ph * pw + pr0 * pw;
                        pooling.forward(dst, d0 + f * ld, 1, 2 * pr, ow, rowLd, pooled, at);
                    }
                }
            }
        });
    }

    /**
     * Output rows of one unit computed as a single run of {@code span} = (rows-1)*width + ow
     * positions, width apart per row, in panels of NR (the last one shifted back to end at the
     * span's end): a panel may run from one row into the next, through the width - ow positions
     * between them, which are computed too and never read. Plane m's positions go to buf[m*ldb + q].
     * Where ow is not a multiple of NR this computes fewer panels than row by row (conv3: 7 for 4
     * rows of 52, not 8), and needs no copy when the rows are only pooled.
     */
    static void block(Sweep sweep, float[] x, int base, int span, float[] buf, int ldb, Worker me) {
        int[] off = sweep.off(), runs = sweep.runs();
        float[] pa = sweep.packed();
        int planes = sweep.planes();
        MicroKernel.Epilogue epilogue = sweep.epilogue();
        int depth = off.length;
        for (int q = 0; q < span; q += NR) {
            int q0 = Math.min(q, span - NR);
            for (int ir = 0; ir < planes; ir += MR) {
                if (runs != null) MicroKernel.multiplyAt3(depth, pa, ir * depth, x, base + q0, runs, me.tile);
                else MicroKernel.multiplyAt(depth, pa, ir * depth, x, base + q0, off, me.tile);
                MicroKernel.storeBias(me.tile, Math.min(MR, planes - ir), NR, epilogue, ir, buf, ir * ldb + q0, ldb);
            }
        }
    }

    /**
     * One output row in panels of NR positions read in place. When the row is not a multiple of
     * NR wide, its last panel is shifted left to end at the row's end: the columns it shares with
     * the panel before are computed twice and written twice with the same value. Only a row
     * narrower than NR is packed (zero-filled) first. Plane m's row goes to out[o + m*ldo].
     */
    static void row(Sweep sweep, float[] x, int base, float[] out, int o, int ldo, int ow, Worker me) {
        int[] off = sweep.off(), runs = sweep.runs();
        float[] pa = sweep.packed();
        int planes = sweep.planes();
        MicroKernel.Epilogue epilogue = sweep.epilogue();
        int depth = off.length;
        if (ow < NR) {
            float[] panel = me.panel;
            for (int p = 0; p < depth; p++) {
                int s = base + off[p], d = p * NR;
                for (int j = 0; j < ow; j++) panel[d + j] = x[s + j];
                Arrays.fill(panel, d + ow, d + NR, 0f);
            }
            for (int ir = 0; ir < planes; ir += MR) {
                MicroKernel.multiply(depth, pa, ir * depth, panel, 0, NR, me.tile);
                MicroKernel.storeBias(me.tile, Math.min(MR, planes - ir), ow, epilogue, ir, out, o + ir * ldo, ldo);
            }
            return;
        }
        for (int ox0 = 0; ox0 < ow; ox0 += NR) {
            int ox = Math.min(ox0, ow - NR);
            for (int ir = 0; ir < planes; ir += MR) {
                if (runs != null) MicroKernel.multiplyAt3(depth, pa, ir * depth, x, base + ox, runs, me.tile);
                else MicroKernel.multiplyAt(depth, pa, ir * depth, x, base + ox, off, me.tile);
                MicroKernel.storeBias(me.tile, Math.min(MR, planes - ir), NR, epilogue, ir, out, o + ir * ldo + ox, ldo);
            }
        }
    }

    /** The kernel (rows, cols) packed as the micro-kernel's A panels over the whole reduction: (rows rounded up to MR, cols). */
    static float[] packWeights(float[] weights, int wo, int rows, int cols, float[] dst) {
        int size = VectorGemm.roundUp(rows, MR) * cols;
        if (dst.length < size) dst = new float[size];
        GemmPacking.packA(false, new Slice(weights, wo), cols, 0, rows, 0, cols, dst);
        return dst;
    }

    /** For a kernel 3 taps wide, the offsets of the taps with j = 0 (each the start of a run of three); else null. */
    static int[] runs(int[] off, int kw) {
        if (kw != 3) return null;
        int[] runs = new int[off.length / 3];
        for (int r = 0; r < runs.length; r++) runs[r] = off[3 * r];
        return runs;
    }

    /** off[(c*KH + i)*KW + j] = c*H*W + i*W + j: where tap (c, i, j) sits relative to an output position. */
    static int[] offsets(int channels, int height, int width, int kh, int kw) {
        int[] off = new int[channels * kh * kw];
        for (int ch = 0, t = 0; ch < channels; ch++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) off[t++] = ch * height * width + i * width + j;
            }
        }
        return off;
    }
}
