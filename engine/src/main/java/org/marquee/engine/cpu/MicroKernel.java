package org.marquee.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked core of the GEMM: an MR x NR tile of C held in 2*MR vector registers
 * while one packed A panel (MR x kc) and one packed B panel (kc x NR) stream through.
 *
 * <pre>
 *   for p in 0..kc:  acc[i][0..NR) += A[i][p] * B[p][0..NR)     (i = 0..MR-1, one FMA per half row)
 * </pre>
 */
final class MicroKernel {
    private MicroKernel() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the C tile (broadcast side). */
    static final int MR = 8;
    /** Columns of the C tile: two vectors. */
    static final int NR = 2 * L;

    /**
     * tile (MR, NR) = packed A panel (kc x MR) times a B panel (kc x NR) whose steps are
     * {@code ldb} apart: NR when packed, the row length of B when read in place.
     */
    static void multiply(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ap = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ap + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ap + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ap + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ap + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            bo += ldb;
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * As {@link #multiply}, but step p of the B panel is the two vectors at {@code x[base + off[p]]}:
     * a convolution reads its input image in place, one offset per filter tap (c, i, j), instead
     * of a row of unfolded columns. The NR positions are consecutive in x: one output row, or
     * (DirectConv's row runs) the end of one row, the columns between rows and the next row.
     */
    static void multiplyAt(int kc, float[] a, int ao, float[] x, int base, int[] off, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ap = ao + p * MR;
            int o = base + off[p];
            FloatVector b0 = FloatVector.fromArray(S, x, o);
            FloatVector b1 = FloatVector.fromArray(S, x, o + L);
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[ap + 1]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[ap + 2]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[ap + 3]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[ap + 4]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[ap + 5]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(S, a[ap + 6]);
            c60 = v.fma(b0, c60); c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(S, a[ap + 7]);
            c70 = v.fma(b0, c70); c71 = v.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * The weight gradient's tile, transposed: tile (MR taps, NR filters) = Σ over kc positions of
     * x at each tap times the packed dYᵀ panel (kc x NR). The MR broadcasts are read from the image
     * in place, tap r at {@code x[taps[r] + p]} for consecutive positions p (a block of output
     * rows read w apart, the packed dYᵀ holding zeros between rows). (One
     * loop, no nest: JDK 17 keeps the accumulators in registers only in a simple loop.)
     */
    static void multiplyRow(int kc, float[] x, int[] taps, int shift, float[] b, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int x0 = taps[0] + shift, x1 = taps[1] + shift, x2 = taps[2] + shift, x3 = taps[3] + shift;
        int x4 = taps[4] + shift, x5 = taps[5] + shift, x6 = taps[6] + shift, x7 = taps[7] + shift;
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v = FloatVector.broadcast(S, x[x0 + p]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, x[x1 + p]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, x[x2 + p]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, x[x3 + p]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, x[x4 + p]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, x[x5 + p]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(S, x[x6 + p]);
            c60 = v.fma(b0, c60); c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(S, x[x7 + p]);
            c70 = v.fma(b0, c70); c71 = v.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * As {@link #multiplyAt} for kernels three taps wide: taps come in runs of three adjacent
     * pixels (j = 0, 1, 2 of one kernel row), so one offset serves three steps, written out. kc
     * must be a multiple of 3 and {@code runs} holds the offset of each run's first tap, kc/3 of
     * them.
     */
    static void multiplyAt3(int kc, float[] a, int ao, float[] x, int base, int[] runs, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector b0, b1, v;
        for (int r = 0, n = kc / 3; r < n; r++) {
            int ap = ao + r * (3 * MR);
            int o = base + runs[r];
            b0 = FloatVector.fromArray(S, x, o + 0);
            b1 = FloatVector.fromArray(S, x, o + 0 + L);
            v = FloatVector.broadcast(S, a[ap + 0]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[ap + 1]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[ap + 2]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[ap + 3]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[ap + 4]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[ap + 5]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(S, a[ap + 6]);
            c60 = v.fma(b0, c60); c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(S, a[ap + 7]);
            c70 = v.fma(b0, c70); c71 = v.fma(b1, c71);
            b0 = FloatVector.fromArray(S, x, o + 1);
            b1 = FloatVector.fromArray(S, x, o + 1 + L);
            v = FloatVector.broadcast(S, a[ap + 8]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[ap + 9]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[ap + 10]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[ap + 11]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[ap + 12]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[ap + 13]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(S, a[ap + 14]);
            c60 = v.fma(b0, c60); c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(S, a[ap + 15]);
            c70 = v.fma(b0, c70); c71 = v.fma(b1, c71);
            b0 = FloatVector.fromArray(S, x, o + 2);
            b1 = FloatVector.fromArray(S, x, o + 2 + L);
            v = FloatVector.broadcast(S, a[ap + 16]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[ap + 17]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[ap + 18]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[ap + 19]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[ap + 20]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[ap + 21]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(S, a[ap + 22]);
            c60 = v.fma(b0, c60); c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(S, a[ap + 23]);
            c70 = v.fma(b0, c70); c71 = v.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * {@link #multiplyRow} for kernels 3 wide, nine taps at a time: three runs of three adjacent
     * pixels, run s starting at {@code x[xs + p]}. tile (9, NR), rows NR apart; 18 accumulators.
     */
    static void multiplyRow3x3(int kc, float[] x, int x0, int x1, int x2, float[] b, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v;
            v = FloatVector.broadcast(S, x[x0 + p]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, x[x0 + p + 1]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, x[x0 + p + 2]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, x[x1 + p]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, x[x1 + p + 1]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, x[x1 + p + 2]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(S, x[x2 + p]);
            c60 = v.fma(b0, c60); c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(S, x[x2 + p + 1]);
            c70 = v.fma(b0, c70); c71 = v.fma(b1, c71);
            v = FloatVector.broadcast(S, x[x2 + p + 2]);
            c80 = v.fma(b0, c80); c81 = v.fma(b1, c81);
        }
        c00.intoArray(tile, 0 * NR); c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR); c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR); c81.intoArray(tile, 8 * NR + L);
    }

    /**
     * What each stored tile of a convolution gets ({@link #storeBias}): plane m's bias
     * bias[offset + m], then ReLU when {@code relu}. Without a bias ({@link #none}) the bias is 0
     * for every plane, so each value gets + 0f, as it always has.
     *
     * @param bias   one value per output plane, from {@code offset}
     * @param offset the index of plane 0's bias
     * @param relu   whether max(0, value) is taken
     */
    record Epilogue(float[] bias, int offset, boolean relu) {
        Epilogue { java.util.Objects.requireNonNull(bias, "bias"); }

        /** No bias (0 for each of {@code planes} planes) and no ReLU. */
        static Epilogue none(int planes) { return new Epilogue(new float[planes], 0, false); }
    }

    /**
     * C[r][j] = tile[r][j] + bias[plane + r] for the rows x cols corner of the tile, or max(0, that)
     * with ReLU, as {@code epilogue} says: the ReLU as max against a floor of 0 or -infinity, so the
     * vector code has no branch.
     */
    static void storeBias(float[] tile, int rows, int cols, Epilogue epilogue, int plane, float[] c, int cOff, int ldc) {
        float floor = epilogue.relu() ? 0f : Float.NEGATIVE_INFINITY;
        float[] bias = epilogue.bias();
        int bo = epilogue.offset() + plane;
        for (int r = 0; r < rows; r++) {
            int t = r * NR, o = cOff + r * ldc;
            float bv = bias[bo + r];
            if (cols == NR) {
                FloatVector.fromArray(S, tile, t).add(bv).max(floor).intoArray(c, o);
                FloatVector.fromArray(S, tile, t + L).add(bv).max(floor).intoArray(c, o + L);
            } else {
                for (int j = 0; j < cols; j++) c[o + j] = Math.max(tile[t + j] + bv, floor);
            }
        }
    }

    /** C[r][j] = alpha * tile[r][j] + beta * C[r][j] for the rows x cols corner of the tile; beta 0 ignores C. */
    static void store(float[] tile, int rows, int cols, float alpha, float beta, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            int t = r * NR, o = cOff + r * ldc;
            if (cols == NR) {
                for (int h = 0; h < NR; h += L) {
                    FloatVector v = FloatVector.fromArray(S, tile, t + h);
                    if (alpha != 1f) v = v.mul(alpha);
                    if (beta == 1f) v = v.add(FloatVector.fromArray(S, c, o + h));
                    else if (beta != 0f) v = v.add(FloatVector.fromArray(S, c, o + h).mul(beta));
                    v.intoArray(c, o + h);
                }
            } else if (beta == 0f) {
                for (int j = 0; j < cols; j++) c[o + j] = alpha * tile[t + j];
            } else {
                for (int j = 0; j < cols; j++) c[o + j] = alpha * tile[t + j] + beta * c[o + j];
            }
        }
    }
}
