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
        /** This worker's share of C when the reduction is split between threads. */
        float[] partial = new float[0];
    }

    VectorGemm(WorkerPool pool) {
        this.pool = pool;
        this.spaces = new Workspace[pool.threads()];
        for (int i = 0; i < spaces.length; i++) spaces[i] = new Workspace();
    }

    static int roundUp(int x, int to) { return (x + to - 1) / to * to; }

    synchronized void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        int threads = (long) m * n * k < PARALLEL_MIN_WORK ? 1 : pool.threads();
        if (threads > 1 && splitK(m, n, k, threads)) {
            multiplySplitK(transA, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, threads);
            return;
        }
        int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
        boolean splitN = chooseSplitN(tilesM, tilesN, threads);
        int tiles = splitN ? tilesN : tilesM;
        pool.run(Math.min(threads, tiles), (w, ws) -> {
            int from = (int) ((long) tiles * w / ws), to = (int) ((long) tiles * (w + 1) / ws);
            int i0 = 0, i1 = m, j0 = 0, j1 = n;
            if (splitN) { j0 = from * NR; j1 = Math.min(n, to * NR); }
            else { i0 = from * MR; i1 = Math.min(m, to * MR); }
            if (i0 < i1 && j0 < j1) {
                block(spaces[w], transA, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, n,
                        i0, i1, j0, j1, 0, k);
            }
        });
    }

    /**
     * A long reduction with a small C (weight gradients, the dense layer's forward pass): each
     * thread takes a slice of K, so no thread packs what another packs. Worker 0 writes into C with
     * beta; the others write private partial products, added into C afterwards.
     */
    static boolean splitK(int m, int n, int k, int threads) {
        return k >= 4 * Math.max(m, n) && (long) m * n <= (1 << 18) && k >= threads * 64;
    }

    private void multiplySplitK(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff, int threads) {
        int size = m * n;
        for (int w = 1; w < threads; w++) {
            if (spaces[w].partial.length < size) spaces[w].partial = new float[size];
        }
        pool.run(threads, (w, ws) -> {
            int p0 = (int) ((long) k * w / ws), p1 = (int) ((long) k * (w + 1) / ws);
            if (w == 0) {
                block(spaces[0], transA, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, n, 0, m, 0, n, p0, p1);
            } else {
                block(spaces[w], transA, transB, m, n, k, alpha, a, aOff, b, bOff, 0f, spaces[w].partial, 0, n, 0, m, 0, n, p0, p1);
            }
        });
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

    /** C[i0..i1)[j0..j1) += the products over p in [p0, p1), for one worker; C rows are ldc apart. */
    private static void block(Workspace ws, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff, int ldc,
                              int i0, int i1, int j0, int j1, int p0, int p1) {
        int kBlocks = (p1 - p0 + KC - 1) / KC;
        int kc0 = (p1 - p0 + kBlocks - 1) / kBlocks;      // even KC blocks
        int mc0 = Math.min(MC, roundUp(i1 - i0, MR));
        int nc0 = Math.min(NC, roundUp(j1 - j0, NR));
        if (ws.packedA.length < mc0 * kc0) ws.packedA = new float[mc0 * kc0];
        if (ws.packedB.length < nc0 * kc0) ws.packedB = new float[nc0 * kc0];
        float[] pa = ws.packedA, pb = ws.packedB, tile = ws.tile;
        for (int ic = i0; ic < i1; ic += mc0) {
            int mc = Math.min(mc0, i1 - ic);
            for (int pc = p0; pc < p1; pc += kc0) {
                int kc = Math.min(kc0, p1 - pc);
                float betaHere = pc == p0 ? beta : 1f;
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
                            MicroKernel.store(tile, rows, cols, alpha, betaHere, c, cOff + (ic + ir) * ldc + jc + jr, ldc);
                        }
                    }
                }
            }
        }
    }
}
