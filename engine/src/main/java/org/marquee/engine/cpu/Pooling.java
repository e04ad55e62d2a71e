package org.marquee.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2x2 max pooling, stride 2, on one run of planes. The forward pass takes L outputs at a time:
 * picks the four corners of L windows (even and odd columns of two rows) and keeps the first
 * maximum with compare-and-blend, the same tie rule as the scalar loop (a later corner wins only
 * when strictly greater). The tail of each row and the backward pass are scalar.
 */
final class Pooling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Picks even / odd lanes of two consecutive vectors (indexes past L select from the second). */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);
    /**
     * Two-vector shuffles (JDK 25: 1.0 ms per 32x222x222 image, gathers 1.7) or gathers (JDK 17:
     * 1.8 ms, shuffles 2.6); {@code -Dmarquee.cpu.poolGather=true|false} overrides.
     */
    static final boolean SHUFFLE = System.getProperty("marquee.cpu.poolGather") == null
            ? Runtime.version().feature() >= 25
            : !Boolean.getBoolean("marquee.cpu.poolGather");
    private static final int[] EVEN_MAP = new int[L], ODD_MAP = new int[L];

    static {
        for (int i = 0; i < L; i++) {
            EVEN_MAP[i] = 2 * i;
            ODD_MAP[i] = 2 * i + 1;
        }
    }

    /** Lanes 2i (odd = false) or 2i+1 of x[at .. at + 2L). */
    private static FloatVector half(float[] x, int at, boolean odd) {
        if (!SHUFFLE) return FloatVector.fromArray(S, x, at, odd ? ODD_MAP : EVEN_MAP, 0);
        FloatVector lo = FloatVector.fromArray(S, x, at), hi = FloatVector.fromArray(S, x, at + L);
        return lo.rearrange(odd ? ODD : EVEN, hi);
    }

    private Pooling() {}

    static void forward(float[] x, int xo, int planes, int h, int w, float[] y, int yo, float[] arg, int ao) {
        int oh = h / 2, ow = w / 2;
        FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f), three = FloatVector.broadcast(S, 3f);
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int r0 = xo + (p * h + 2 * oy) * w, r1 = r0 + w;
                int o = (p * oh + oy) * ow;
                int ox = 0;
                for (; ox <= ow - L; ox += L) {
                    FloatVector best = half(x, r0 + 2 * ox, false);
                    FloatVector where = FloatVector.zero(S);
                    FloatVector v = half(x, r0 + 2 * ox, true);
                    VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, gt);
                    where = where.blend(one, gt);
                    v = half(x, r1 + 2 * ox, false);
                    gt = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, gt);
                    where = where.blend(two, gt);
                    v = half(x, r1 + 2 * ox, true);
                    gt = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, gt);
                    where = where.blend(three, gt);
                    best.intoArray(y, yo + o + ox);
                    where.intoArray(arg, ao + o + ox);
                }
                for (; ox < ow; ox++) {
                    int c0 = r0 + 2 * ox, c1 = r1 + 2 * ox;
                    float best = x[c0];
                    int where = 0;
                    if (x[c0 + 1] > best) { best = x[c0 + 1]; where = 1; }
                    if (x[c1] > best) { best = x[c1]; where = 2; }
                    if (x[c1 + 1] > best) { best = x[c1 + 1]; where = 3; }
                    y[yo + o + ox] = best;
                    arg[ao + o + ox] = where;
                }
            }
        }
    }

    /** dx[winner] += dy, winner = (2*oy + q/2, 2*ox + q%2). */
    static void backward(float[] dy, int dyo, float[] arg, int ao, int planes, int h, int w, float[] dx, int dxo) {
        int oh = h / 2, ow = w / 2;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int r0 = dxo + (p * h + 2 * oy) * w;
                int o = (p * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int q = (int) arg[ao + o + ox];
                    dx[r0 + (q >> 1) * w + 2 * ox + (q & 1)] += dy[dyo + o + ox];
                }
            }
        }
    }
}
