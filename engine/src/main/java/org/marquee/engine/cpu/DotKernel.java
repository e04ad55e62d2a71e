package org.marquee.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM with B transposed and a long reduction (the weight gradients dW = dY · colsᵀ), without
 * packing: both A (M, K) and B (N, K) are contiguous along K, so each entry of C is a dot product
 * of two rows. A 4 x 3 block of C keeps 12 vector accumulators over a chunk of K (7 loads per
 * 12 FMAs), then reduces each across lanes. Packing would have to transpose both operands, which
 * costs more than the arithmetic when M and N are as small as a layer's filter count.
 *
 * <pre>
 *   C[i][j] = beta*C[i][j] + alpha * sum over p in [p0, p1) of A[i][p] * B[j][p]
 * </pre>
 */
final class DotKernel {
    private static final VectorSpecies<Float> S = MicroKernel.S;
    private static final int L = MicroKernel.L;
    /** Steps of K per chunk: 4 + 3 rows of 4 KiB stay in L1 while a 4 x 3 block is computed. */
    private static final int CHUNK = 1024;
    static final int MR = 4, NR = 3;

    private DotKernel() {}

    /**
     * C[i0..i1)[j0..j1) over p in [p0, p1) for A (m, k) and B stored transposed (n, k), both rows
     * k = {@code op.depth()} apart, and C rows n apart; {@code sums} holds a 4 x 3 block.
     */
    static void block(GemmOperands op, float beta, Slice target, VectorGemm.Region region, float[] sums) {
        int k = op.depth(), ldc = op.n();
        float alpha = op.alpha();
        float[] a = op.a().array(), b = op.b().array(), c = target.array();
        int aOff = op.a().offset(), bOff = op.b().offset(), cOff = target.offset();
        int i0 = region.i0(), i1 = region.i1(), j0 = region.j0(), j1 = region.j1(), p0 = region.p0(), p1 = region.p1();
        for (int pc = p0; pc < p1; pc += CHUNK) {
            int len = Math.min(CHUNK, p1 - pc);
            float betaHere = pc == p0 ? beta : 1f;
            for (int i = i0; i < i1; i += MR) {
                int rows = Math.min(MR, i1 - i);
                for (int j = j0; j < j1; j += NR) {
                    int cols = Math.min(NR, j1 - j);
                    int ao = aOff + i * k + pc, bo = bOff + j * k + pc;
                    if (rows == MR && cols == NR) {
                        dot4x3(a, ao, b, bo, k, len, sums);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            for (int s = 0; s < cols; s++) sums[r * NR + s] = dot(a, ao + r * k, b, bo + s * k, len);
                        }
                    }
                    for (int r = 0; r < rows; r++) {
                        int o = cOff + (i + r) * ldc + j;
                        for (int s = 0; s < cols; s++) {
                            float v = alpha * sums[r * NR + s];
                            c[o + s] = betaHere == 0f ? v : v + betaHere * c[o + s];
                        }
                    }
                }
            }
        }
    }

    /** sums (4, 3) = rows a[ao + r*ld ..] dotted with rows b[bo + s*ld ..], over len steps. */
    private static void dot4x3(float[] a, int ao, float[] b, int bo, int ld, int len, float[] sums) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        int a1 = ao + ld, a2 = ao + 2 * ld, a3 = ao + 3 * ld, b1 = bo + ld, b2 = bo + 2 * ld;
        int p = 0;
        for (; p <= len - L; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, bo + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector x = FloatVector.fromArray(S, a, ao + p);
            c00 = x.fma(y0, c00); c01 = x.fma(y1, c01); c02 = x.fma(y2, c02);
            x = FloatVector.fromArray(S, a, a1 + p);
            c10 = x.fma(y0, c10); c11 = x.fma(y1, c11); c12 = x.fma(y2, c12);
            x = FloatVector.fromArray(S, a, a2 + p);
            c20 = x.fma(y0, c20); c21 = x.fma(y1, c21); c22 = x.fma(y2, c22);
            x = FloatVector.fromArray(S, a, a3 + p);
            c30 = x.fma(y0, c30); c31 = x.fma(y1, c31); c32 = x.fma(y2, c32);
        }
        sums[0] = Lanes.sum(c00); sums[1] = Lanes.sum(c01); sums[2] = Lanes.sum(c02);
        sums[3] = Lanes.sum(c10); sums[4] = Lanes.sum(c11); sums[5] = Lanes.sum(c12);
        sums[6] = Lanes.sum(c20); sums[7] = Lanes.sum(c21); sums[8] = Lanes.sum(c22);
        sums[9] = Lanes.sum(c30); sums[10] = Lanes.sum(c31); sums[11] = Lanes.sum(c32);
        for (; p < len; p++) {
            for (int r = 0; r < MR; r++) {
                float x = a[ao + r * ld + p];
                for (int s = 0; s < NR; s++) sums[r * NR + s] += x * b[bo + s * ld + p];
            }
        }
    }

    /** One dot product of len steps. */
    private static float dot(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector acc = FloatVector.zero(S);
        int p = 0;
        for (; p <= len - L; p += L) acc = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), acc);
        float sum = Lanes.sum(acc);
        for (; p < len; p++) sum += a[ao + p] * b[bo + p];
        return sum;
    }
}
