package org.marquee.engine.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of op(A) and op(B) into the layouts the micro-kernel streams, padding partial
 * panels with zeros so the kernel never branches on edges.
 *
 * <pre>
 *   packed A: panels of MR rows;    panel r, step p holds op(A)[i0 + r*MR + 0..MR-1][p0 + p]
 *   packed B: panels of NR columns; panel s, step p holds op(B)[p0 + p][j0 + s*NR + 0..NR-1]
 * </pre>
 * Transposed sources are copied in chunks of 64 steps so the strided writes stay in L1 (vector
 * gathers measured slower on JDK 17).
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs op(A)[i0 .. i0+mc)[p0 .. p0+kc) where A is stored (M, K), or (K, M) when transposed,
     * its stored rows {@code lda} apart (K, or M when transposed).
     */
    static void packA(boolean transA, Slice source, int lda, int i0, int mc, int p0, int kc, float[] dst) {
        final int mr = MicroKernel.MR;
        final float[] a = source.array();
        final int aOff = source.offset();
        int d = 0;
        for (int r = 0; r < mc; r += mr) {
            int rows = Math.min(mr, mc - r);
            if (!transA) {
                // (M, K): each row is contiguous along p
                for (int ii = 0; ii < rows; ii++) {
                    int src = aOff + (i0 + r + ii) * lda + p0;
                    for (int p = 0, o = d + ii; p < kc; p++, o += mr) dst[o] = a[src + p];
                }
            } else {
                // (K, M): each step p holds the panel's rows contiguously
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + r;
                    int o = d + p * mr;
                    for (int ii = 0; ii < rows; ii++) dst[o + ii] = a[src + ii];
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) {
                    for (int ii = rows; ii < mr; ii++) dst[d + p * mr + ii] = 0f;
                }
            }
            d += mr * kc;
        }
    }

    /**
     * Packs op(B)[p0 .. p0+kc)[j0 .. j0+nc) where B is stored (K, N), or (N, K) when transposed,
     * its stored rows {@code ldb} apart (N, or K when transposed).
     */
    static void packB(boolean transB, Slice source, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
        final int nr = MicroKernel.NR;
        final float[] b = source.array();
        final int bOff = source.offset();
        int d = 0;
        for (int s = 0; s < nc; s += nr) {
            int cols = Math.min(nr, nc - s);
            if (!transB) {
                // (K, N): each step p is a contiguous run of the panel's columns
                int src = bOff + p0 * ldb + j0 + s;
                if (cols == nr) {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        for (int h = 0; h < nr; h += MicroKernel.L) {
                            FloatVector.fromArray(MicroKernel.S, b, src + h).intoArray(dst, d + p * nr + h);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb) System.arraycopy(b, src, dst, d + p * nr, cols);
                }
            } else {
                // (N, K): each column of op(B) is a contiguous row of B; steps in chunks that stay in L1
                for (int pp = 0; pp < kc; pp += 64) {
                    int pe = Math.min(kc, pp + 64);
                    for (int jj = 0; jj < cols; jj++) {
                        int src = bOff + (j0 + s + jj) * ldb + p0;
                        for (int p = pp, o = d + pp * nr + jj; p < pe; p++, o += nr) dst[o] = b[src + p];
                    }
                }
            }
            if (cols < nr) {
                for (int p = 0; p < kc; p++) {
                    java.util.Arrays.fill(dst, d + p * nr + cols, d + (p + 1) * nr, 0f);
                }
            }
            d += nr * kc;
        }
    }
}
