package org.marquee.engine.cpu;

/**
 * Blocked, packed, multi-threaded single-precision GEMM: {@code C = alpha*op(A)*op(B) + beta*C}.
 *
 * <p>The work is split between threads along M or N (whichever divides into micro-tiles more
 * evenly). Each thread then walks its part of C in cache blocks:
 * <pre>
 *   for each MC block of rows:             (packed A block, MC x KC, stays in L2)
 *     for each KC block of the reduction:  pack A
 *       for each NC block of columns:      pack B (KC x NC, stays in L2)
 *         for each MR panel, NR panel:     micro-kernel (A panel in L1, B panel streamed)
 * </pre>
 * The first KC block applies {@code beta}; later ones add into C. Packing buffers belong to each
 * worker and grow to the largest block seen, so steady-state calls allocate nothing large.
 */
final class VectorGemm {
    private static final int MR = MicroKernel.MR, NR = MicroKernel.NR;
    static final int KC = Integer.getInteger("marquee.cpu.kc", 384);
    static final int MC = roundUp(Integer.getInteger("marquee.cpu.mc", 192), MR);
    static final int NC = roundUp(Integer.getInteger("marquee.cpu.nc", 256), NR);
    /** Below this many multiply-adds a single thread does the whole product. */
    private static final long PARALLEL_MIN_WORK = 1L << 17;

    private final WorkerPool pool;
    private final Workspace[] spaces;

    /** One worker's packing buffers and C tile. */
    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR];
    }

    VectorGemm(WorkerPool pool) {
        this.pool = pool;
        this.spaces = new Workspace[pool.threads()];
        for (int i = 0; i < spaces.length; i++) spaces[i] = new Workspace();
    }

    static int roundUp(int x, int to) { return (x + to - 1) / to * to; }

    synchronized void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
        int threads = (long) m * n * k < PARALLEL_MIN_WORK ? 1 : pool.threads();
        boolean splitN = chooseSplitN(tilesM, tilesN, threads);
        int tiles = splitN ? tilesN : tilesM;
        pool.run(Math.min(threads, tiles), (w, ws) -> {
            int from = (int) ((long) tiles * w / ws), to = (int) ((long) tiles * (w + 1) / ws);
            int i0 = 0, i1 = m, j0 = 0, j1 = n;
            if (splitN) { j0 = from * NR; j1 = Math.min(n, to * NR); }
            else { i0 = from * MR; i1 = Math.min(m, to * MR); }
            if (i0 < i1 && j0 < j1) {
                block(spaces[w], transA, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, i0, i1, j0, j1);
            }
        });
    }

    /** Split along N unless M gives a more even share of micro-tiles. */
    static boolean chooseSplitN(int tilesM, int tilesN, int threads) {
        if (threads <= 1) return true;
        double evenN = (double) tilesN / (threads * ((tilesN + threads - 1) / threads));
        double evenM = (double) tilesM / (threads * ((tilesM + threads - 1) / threads));
        if (evenN == evenM) return tilesN >= tilesM;
        return evenN > evenM;
    }

    /** C[i0..i1)[j0..j1) for one worker. */
    private static void block(Workspace ws, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff,
                              int i0, int i1, int j0, int j1) {
        int kBlocks = (k + KC - 1) / KC;
        int kc0 = (k + kBlocks - 1) / kBlocks;            // even KC blocks
        int mc0 = Math.min(MC, roundUp(i1 - i0, MR));
        int nc0 = Math.min(NC, roundUp(j1 - j0, NR));
        if (ws.packedA.length < mc0 * kc0) ws.packedA = new float[mc0 * kc0];
        if (ws.packedB.length < nc0 * kc0) ws.packedB = new float[nc0 * kc0];
        float[] pa = ws.packedA, pb = ws.packedB, tile = ws.tile;
        for (int ic = i0; ic < i1; ic += mc0) {
            int mc = Math.min(mc0, i1 - ic);
            for (int pc = 0; pc < k; pc += kc0) {
                int kc = Math.min(kc0, k - pc);
                float betaHere = pc == 0 ? beta : 1f;
                GemmPacking.packA(transA, a, aOff, m, k, ic, mc, pc, kc, pa);
                for (int jc = j0; jc < j1; jc += nc0) {
                    int nc = Math.min(nc0, j1 - jc);
                    GemmPacking.packB(transB, b, bOff, n, k, pc, kc, jc, nc, pb);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int rows = Math.min(MR, mc - ir);
                        int ao = ir * kc;
                        for (int jr = 0; jr < nc; jr += NR) {
                            int cols = Math.min(NR, nc - jr);
                            MicroKernel.multiply(kc, pa, ao, pb, jr * kc, tile);
                            MicroKernel.store(tile, rows, cols, alpha, betaHere, c, cOff + (ic + ir) * n + jc + jr, n);
                        }
                    }
                }
            }
        }
    }
}
