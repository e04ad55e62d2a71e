package org.marquee.engine.cpu;

/**
 * Blocked, packed, multi-threaded single-precision GEMM: {@code C = alpha*op(A)*op(B) + beta*C},
 * op(A) (M, K), op(B) (K, N); the reduction length K is {@code depth} in the code.
 *
 * <p>The work is split between threads along M or N (whichever divides into micro-tiles more
 * evenly). Each thread then walks its part of C in cache blocks:
 * <pre>
 *   for each MC block of rows:             (packed A block, MC x KC, stays in L2)
 *     for each KC block of the reduction:  pack A
 *       for each NC block of columns:      pack B if transposed (KC x NC)
 *         for each NR panel, MR panel:     micro-kernel (B panel kept in L1, A panels from L2)
 * </pre>
 * An untransposed B is not packed: the kernel reads its full panels in place, rows N apart.
 * The first KC block applies {@code beta}; later ones add into C. Packing buffers belong to each
 * worker and grow to the largest block seen, so steady-state calls allocate nothing large.
 *
 * <p>Two shapes take other routes: a long reduction with a small C (weight gradients, the dense
 * forward pass) is split along the depth between threads, and A·Bᵀ with a long K and few columns skips
 * packing for {@link DotKernel}'s dot products.
 */
final class VectorGemm {
    private static final int MR = MicroKernel.MR, NR = MicroKernel.NR;
    /** The cache blocks ({@link CpuTuning#kc()}, mc, nc): depth KC, rows MC (a multiple of MR), columns NC (of NR). */
    private final int kcBlock, mcBlock, ncBlock;
    /**
     * Whether full panels of an untransposed B are read in place (rows n apart) instead of packed
     * (not {@link CpuTuning#packAllB()}): measured faster on every model shape (conv1 forward most,
     * where K is 27).
     */
    private final boolean directB;
    /**
     * Whether A·Bᵀ with a long reduction and few columns uses unpacked dot products
     * ({@link DotKernel}, {@link CpuTuning#dotProducts()}): twice as fast for conv1's weight
     * gradient (N = 27), even for conv2's (N = 288), slower than packing for conv3's (N = 576).
     */
    private final boolean dotNT;
    /**
     * Whether a column-split product hands out chunks of NC columns on demand instead of one fixed
     * share per thread ({@link CpuTuning#dynamicSplit()}).
     */
    private final boolean dynamic;
    static final int DOT_MIN_K = 1024, DOT_MAX_N = 128;
    /** Below this many multiply-adds a single thread does the whole product. */
    private static final long PARALLEL_MIN_WORK = 1L << 17;

    private final WorkerPool pool;
    private final Workspace[] spaces;

    /** One worker's packing buffers and C tile. */
    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR + WorkerPool.PAD];   // PAD: see WorkerPool.PAD
        /** This worker's share of C when the reduction is split between threads. */
        float[] partial = new float[0];
    }

    VectorGemm(WorkerPool pool, CpuTuning tuning) {
        this.pool = pool;
        this.kcBlock = tuning.kc();
        this.mcBlock = roundUp(tuning.mc(), MR);
        this.ncBlock = roundUp(tuning.nc(), NR);
        this.directB = !tuning.packAllB();
        this.dotNT = tuning.dotProducts();
        this.dynamic = tuning.dynamicSplit();
        this.spaces = new Workspace[pool.threads()];
        for (int i = 0; i < spaces.length; i++) spaces[i] = new Workspace();
    }

    static int roundUp(int x, int to) { return (x + to - 1) / to * to; }

    /**
     * The part of a product one call of {@link #block} computes: rows [i0, i1) and columns [j0, j1)
     * of C, summed over the depth [p0, p1).
     */
    record Region(int i0, int i1, int j0, int j1, int p0, int p1) {}

    /** C = alpha·op(A)·op(B) + beta·C; op(A) is (m, depth), op(B) (depth, n) (see {@link GemmOperands}), C (m, n). */
    synchronized void multiply(GemmOperands op, float beta, Slice c) {
        int m = op.m(), n = op.n(), depth = op.depth();
        int threads = (long) m * n * depth < PARALLEL_MIN_WORK ? 1 : pool.threads();
        if (threads > 1 && splitDepth(m, n, depth, threads)) {
            multiplySplitDepth(op, beta, c, threads);
            return;
        }
        int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
        boolean splitN = chooseSplitN(tilesM, tilesN, threads);
        int tiles = splitN ? tilesN : tilesM;
        int nc = ncBlock, chunkTiles = nc / NR;
        if (dynamic && splitN && threads > 1 && tilesN >= 4 * threads * chunkTiles) {
            // Columns in chunks of nc handed out one at a time: a worker whose core is busier
            // takes fewer, so the slowest core does not set the pace.
            int chunks = (tilesN + chunkTiles - 1) / chunkTiles;
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            pool.run(threads, (w, ws) -> {
                for (int ch; (ch = next.getAndIncrement()) < chunks; ) {
                    int j0 = ch * nc, j1 = Math.min(n, j0 + nc);
                    block(spaces[w], op, beta, c, new Region(0, m, j0, j1, 0, depth));
                }
            });
            return;
        }
        pool.run(Math.min(threads, tiles), (w, ws) -> {
            int from = (int) ((long) tiles * w / ws), to = (int) ((long) tiles * (w + 1) / ws);
            int i0 = 0, i1 = m, j0 = 0, j1 = n;
            if (splitN) { j0 = from * NR; j1 = Math.min(n, to * NR); }
            else { i0 = from * MR; i1 = Math.min(m, to * MR); }
            if (i0 < i1 && j0 < j1) {
                block(spaces[w], op, beta, c, new Region(i0, i1, j0, j1, 0, depth));
            }
        });
    }

    /**
     * A long reduction with a small C (weight gradients, the dense layer's forward pass): each
     * thread takes a slice of the depth, so no thread packs what another packs. Worker 0 writes
     * into C with beta; the others write private partial products, added into C afterwards.
     */
    static boolean splitDepth(int m, int n, int depth, int threads) {
        return depth >= 4 * Math.max(m, n) && (long) m * n <= (1 << 18) && depth >= threads * 64;
    }

    private void multiplySplitDepth(GemmOperands op, float beta, Slice target, int threads) {
        int m = op.m(), n = op.n(), depth = op.depth(), size = m * n;
        for (int w = 1; w < threads; w++) {
            if (spaces[w].partial.length < size) spaces[w].partial = new float[size];
        }
        pool.run(threads, (w, ws) -> {
            int p0 = (int) ((long) depth * w / ws), p1 = (int) ((long) depth * (w + 1) / ws);
            if (w == 0) {
                block(spaces[0], op, beta, target, new Region(0, m, 0, n, p0, p1));
            } else {
                block(spaces[w], op, 0f, new Slice(spaces[w].partial, 0), new Region(0, m, 0, n, p0, p1));
            }
        });
        float[] c = target.array();
        int cOff = target.offset();
        for (int w = 1; w < threads; w++) {
            float[] part = spaces[w].partial;
            int i = 0;
            for (; i <= size - MicroKernel.L; i += MicroKernel.L) {
                jdk.incubator.vector.FloatVector.fromArray(MicroKernel.S, c, cOff + i)
                        .add(jdk.incubator.vector.FloatVector.fromArray(MicroKernel.S, part, i))
                        .intoArray(c, cOff + i);
            }
            for (; i < size; i++) c[cOff + i] += part[i];
        }
    }

    /** Split along N unless M gives a more even share of micro-tiles. */
    static boolean chooseSplitN(int tilesM, int tilesN, int threads) {
        if (threads <= 1) return true;
        double evenN = (double) tilesN / (threads * ((tilesN + threads - 1) / threads));
        double evenM = (double) tilesM / (threads * ((tilesM + threads - 1) / threads));
        if (evenN == evenM) return tilesN >= tilesM;
        return evenN > evenM;
    }

    /**
     * C[i0..i1)[j0..j1) = alpha·(the products over depth p in [p0, p1)) + beta·C, for one worker;
     * C (m, n) in {@code target}, rows n apart.
     */
    private void block(Workspace ws, GemmOperands op, float beta, Slice target, Region region) {
        int i0 = region.i0(), i1 = region.i1(), j0 = region.j0(), j1 = region.j1(), p0 = region.p0(), p1 = region.p1();
        float[] c = target.array();
        int cOff = target.offset();
        int kcMax = kcBlock, mcMax = mcBlock, ncMax = ncBlock;
        boolean directB = this.directB;
        boolean transA = op.transA(), transB = op.transB();
        int n = op.n(), bOff = op.b().offset(), ldc = n;
        float alpha = op.alpha();
        float[] b = op.b().array();
        if (dotNT && !transA && transB && p1 - p0 >= DOT_MIN_K && j1 - j0 <= DOT_MAX_N) {
            DotKernel.block(op, beta, target, region, ws.tile);
            return;
        }
        int kcBlocks = (p1 - p0 + kcMax - 1) / kcMax;
        int kc0 = (p1 - p0 + kcBlocks - 1) / kcBlocks;      // even KC blocks
        int mc0 = Math.min(mcMax, roundUp(i1 - i0, MR));
        int nc0 = Math.min(ncMax, roundUp(j1 - j0, NR));
        if (ws.packedA.length < mc0 * kc0) ws.packedA = new float[mc0 * kc0];
        if (ws.packedB.length < nc0 * kc0) ws.packedB = new float[nc0 * kc0];
        float[] pa = ws.packedA, pb = ws.packedB, tile = ws.tile;
        for (int ic = i0; ic < i1; ic += mc0) {
            int mc = Math.min(mc0, i1 - ic);
            for (int pc = p0; pc < p1; pc += kc0) {
                int kc = Math.min(kc0, p1 - pc);
                float betaHere = pc == p0 ? beta : 1f;
                GemmPacking.packA(transA, op.a(), op.lda(), ic, mc, pc, kc, pa);
                for (int jc = j0; jc < j1; jc += nc0) {
                    int nc = Math.min(nc0, j1 - jc);
                    boolean inPlace = directB && !transB;
                    if (!inPlace) GemmPacking.packB(transB, op.b(), op.ldb(), pc, kc, jc, nc, pb);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        float[] bp = pb;
                        int bo = jr * kc, ldb = NR;
                        if (inPlace && cols == NR) {
                            // a full panel of an untransposed B is read where it lies, rows n apart
                            bp = b;
                            bo = bOff + pc * n + jc + jr;
                            ldb = n;
                        } else if (inPlace) {
                            GemmPacking.packB(false, op.b(), n, pc, kc, jc + jr, cols, pb);
                            bo = 0;
                        }
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            MicroKernel.multiply(kc, pa, ir * kc, bp, bo, ldb, tile);
                            MicroKernel.store(tile, rows, cols, alpha, betaHere, c, cOff + (ic + ir) * ldc + jc + jr, ldc);
                        }
                    }
                }
            }
        }
    }
}
