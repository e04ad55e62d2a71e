package org.marquee.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.marquee.engine.ConvGeometry;

/**
 * Fast im2col and its adjoint. For stride 1, each (row, oy) of the column matrix is one shifted
 * run of an image row plus zero padding at the ends, so im2col is a sequence of array copies and
 * col2im a sequence of vector adds. Other strides gather element by element.
 *
 * <pre>
 *   cols (C*KH*KW, OH*OW): row (c, i, j), column (oy, ox) = image[c][oy*s + i - pad][ox*s + j - pad]
 * </pre>
 * im2col splits rows between threads; col2im splits channels (a channel's rows write only its plane).
 */
final class ConvUnfold {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int GRAIN = 1 << 15;

    private final WorkerPool pool;

    ConvUnfold(WorkerPool pool) { this.pool = pool; }

    void im2col(float[] x, int xo, ConvGeometry g, float[] cols, int co) {
        int positions = g.positions();
        pool.range(g.patch(), Math.max(1, GRAIN / positions), (from, to) -> {
            for (int row = from; row < to; row++) im2colRow(x, xo, g, cols, co + row * positions, row);
        });
    }

    private static void im2colRow(float[] x, int xo, ConvGeometry g, float[] cols, int dst, int row) {
        int c = row / (g.kh() * g.kw()), i = row / g.kw() % g.kh(), j = row % g.kw();
        int oh = g.oh(), ow = g.ow(), s = g.stride(), pad = g.pad(), w = g.w();
        // valid ox: 0 <= ox*s + j - pad < w
        int oxFrom = Math.max(0, ceilDiv(pad - j, s));
        int oxTo = Math.min(ow, ceilDiv(w + pad - j, s));
        for (int oy = 0; oy < oh; oy++, dst += ow) {
            int y = oy * s + i - pad;
            if (y < 0 || y >= g.h() || oxFrom >= oxTo) {
                java.util.Arrays.fill(cols, dst, dst + ow, 0f);
                continue;
            }
            int src = xo + (c * g.h() + y) * w + j - pad;
            java.util.Arrays.fill(cols, dst, dst + oxFrom, 0f);
            if (s == 1) {
                System.arraycopy(x, src + oxFrom, cols, dst + oxFrom, oxTo - oxFrom);
            } else {
                for (int ox = oxFrom; ox < oxTo; ox++) cols[dst + ox] = x[src + ox * s];
            }
            java.util.Arrays.fill(cols, dst + oxTo, dst + ow, 0f);
        }
    }

    void col2imAdd(float[] cols, int co, ConvGeometry g, float[] x, int xo) {
        int rowsPerChannel = g.kh() * g.kw(), positions = g.positions();
        pool.range(g.c(), Math.max(1, GRAIN / (rowsPerChannel * positions)), (from, to) -> {
            for (int row = from * rowsPerChannel; row < to * rowsPerChannel; row++) {
                col2imRow(cols, co + row * positions, g, x, xo, row);
            }
        });
    }

    private static void col2imRow(float[] cols, int src, ConvGeometry g, float[] x, int xo, int row) {
        int c = row / (g.kh() * g.kw()), i = row / g.kw() % g.kh(), j = row % g.kw();
        int oh = g.oh(), ow = g.ow(), s = g.stride(), pad = g.pad(), w = g.w();
        int oxFrom = Math.max(0, ceilDiv(pad - j, s));
        int oxTo = Math.min(ow, ceilDiv(w + pad - j, s));
        for (int oy = 0; oy < oh; oy++, src += ow) {
            int y = oy * s + i - pad;
            if (y < 0 || y >= g.h() || oxFrom >= oxTo) continue;
            int dst = xo + (c * g.h() + y) * w + j - pad;
            if (s == 1) {
                int ox = oxFrom;
                for (; ox <= oxTo - L; ox += L) {
                    FloatVector.fromArray(S, x, dst + ox).add(FloatVector.fromArray(S, cols, src + ox)).intoArray(x, dst + ox);
                }
                for (; ox < oxTo; ox++) x[dst + ox] += cols[src + ox];
            } else {
                for (int ox = oxFrom; ox < oxTo; ox++) x[dst + ox * s] += cols[src + ox];
            }
        }
    }

    /** ceil(a / b) for b > 0 and any a. */
    private static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }
}
