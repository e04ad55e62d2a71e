package org.marquee.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2x2 max pooling, stride 2, on one run of planes, N = L/2 windows at a time.
 *
 * <p>A window's two columns are adjacent floats, so one vector of L floats from a row holds N
 * column pairs; viewed as N 64-bit lanes, shifting each lane right by 32 moves the odd column onto
 * the even one. Forward compares the four corners in the even lanes (first maximum wins: a later
 * corner only when strictly greater, as in the scalar loop) and narrows the even lanes to N floats
 * by truncating each 64-bit lane to 32 bits. Backward widens N gradients and winners back to
 * pairs and adds each gradient into the lane of its winner. Forward and the row-wise backward
 * ({@link #unpoolRow}) shift a row's last step back to end at the row's end, so the windows it
 * shares with the step before are computed twice, with the same result; only rows narrower than
 * one step, and the tails of the whole-plane {@link #backward}, take the scalar loop.
 *
 * <p>The pair lanes run when {@link CpuOptions#pairLanes()} says so (by default on JDK 25 and
 * later). On JDK 17 the other vector shapes they create (256-bit floats and ints, 512-bit longs)
 * make the Vector API's internal call sites polymorphic, which slowed unrelated kernels (conv1's
 * GEMM 2.7x) more than pooling gains; there forward deinterleaves columns with shuffles of
 * full-width vectors and backward interleaves them back the same way ({@link #zip}). The choice
 * is fixed per instance and read once per call.
 */
final class Pooling {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
    /** N = L/2 windows per step. */
    private static final int N = LS.length();
    /** N ints (the narrowed even lanes). */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, VectorShape.forBitSize(N * 32));
    /** N floats. */
    private static final VectorSpecies<Float> NS = VectorSpecies.of(float.class, VectorShape.forBitSize(N * 32));
    /** Column parity of each lane, 0, 1, 0, 1, ...: the winner code of row 0 (row 1: + 2). */
    private static final FloatVector COLUMN = column();

    private static FloatVector column() {
        float[] p = new float[L];
        for (int i = 0; i < L; i++) p[i] = i & 1;
        return FloatVector.fromArray(S, p, 0);
    }

    /** Whether the pair-lane paths run; see the class comment. */
    private final boolean pairLanes;

    Pooling(boolean pairLanes) { this.pairLanes = pairLanes; }

    /** Lanes 0..L/2 take the even (odd) lanes of one vector; lanes L/2..L those of the next. */
    private static final VectorShuffle<Float> EVEN_LOW = shuffle(0, 0), EVEN_HIGH = shuffle(0, 1),
            ODD_LOW = shuffle(1, 0), ODD_HIGH = shuffle(1, 1);
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, -1L << (L / 2));

    private static VectorShuffle<Float> shuffle(int parity, int upper) {
        int[] map = new int[L];
        for (int i = 0; i < L / 2; i++) map[i + upper * L / 2] = 2 * i + parity;
        return VectorShuffle.fromArray(S, map, 0);
    }

    /**
     * Lanes 2i (odd = false) or 2i+1 of x[at .. at + 2L): two shuffles and a blend (on JDK 17 these
     * measured 1.7x faster than gathering the lanes: conv1's pooling 59 against 100 ms per batch).
     */
    private static FloatVector half(float[] x, int at, boolean odd) {
        FloatVector a = FloatVector.fromArray(S, x, at), b = FloatVector.fromArray(S, x, at + L);
        return a.rearrange(odd ? ODD_LOW : EVEN_LOW).blend(b.rearrange(odd ? ODD_HIGH : EVEN_HIGH), HIGH);
    }

    /** Lanes 2i and 2i+1 take lane i (of the low or the high half): with a blend on ODD, two vectors interleave. */
    private static final VectorShuffle<Float> ZIP_LOW = zip(0), ZIP_HIGH = zip(1);
    private static final VectorMask<Float> ODD = COLUMN.compare(VectorOperators.EQ, 1f);

    private static VectorShuffle<Float> zip(int upper) {
        int[] map = new int[L];
        for (int k = 0; k < L; k++) map[k] = upper * L / 2 + k / 2;
        return VectorShuffle.fromArray(S, map, 0);
    }

    /**
     * Backward for one row of windows on full-width vectors only (without the pair lanes, JDK 17's
     * default): L windows at a time, each of the four corners' gradients selected by the winner code,
     * then interleaved into the two input rows with shuffles. Overwrites dx; returns the first
     * window not done.
     */
    private static int zip(float[] dy, int d, float[] arg, int a, int ow, float[] dx, int r0, int r1) {
        int ox = 0;
        for (; ox <= ow - L; ox += L) {
            FloatVector g = FloatVector.fromArray(S, dy, d + ox), q = FloatVector.fromArray(S, arg, a + ox);
            FloatVector zero = FloatVector.zero(S);
            FloatVector g0 = zero.blend(g, q.compare(VectorOperators.EQ, 0f));
            FloatVector g1 = zero.blend(g, q.compare(VectorOperators.EQ, 1f));
            FloatVector g2 = zero.blend(g, q.compare(VectorOperators.EQ, 2f));
            FloatVector g3 = zero.blend(g, q.compare(VectorOperators.EQ, 3f));
            g0.rearrange(ZIP_LOW).blend(g1.rearrange(ZIP_LOW), ODD).intoArray(dx, r0 + 2 * ox);
            g0.rearrange(ZIP_HIGH).blend(g1.rearrange(ZIP_HIGH), ODD).intoArray(dx, r0 + 2 * ox + L);
            g2.rearrange(ZIP_LOW).blend(g3.rearrange(ZIP_LOW), ODD).intoArray(dx, r1 + 2 * ox);
            g2.rearrange(ZIP_HIGH).blend(g3.rearrange(ZIP_HIGH), ODD).intoArray(dx, r1 + 2 * ox + L);
        }
        return ox;
    }

    /** Lane 2i of the result holds lane 2i+1 of v (odd lanes become 0). */
    private static FloatVector odd(FloatVector v) {
        return v.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 32).reinterpretAsFloats();
    }

    /** The even lanes of v as N floats stored at y[at]. */
    private static void storeEven(FloatVector v, float[] y, int at) {
        v.reinterpretAsLongs().convertShape(VectorOperators.L2I, IS, 0).reinterpretAsFloats().intoArray(y, at);
    }

    /** N floats from y[at] in both lanes of each pair (as N 64-bit lanes: low and high half). */
    private static FloatVector pairs(float[] y, int at) {
        LongVector low = ((LongVector) FloatVector.fromArray(NS, y, at).reinterpretAsInts()
                .convertShape(VectorOperators.I2L, LS, 0)).lanewise(VectorOperators.AND, 0xFFFFFFFFL);
        return low.lanewise(VectorOperators.OR, low.lanewise(VectorOperators.LSHL, 32)).reinterpretAsFloats();
    }

    /**
     * y = the maximum of each 2x2 window of {@code planes} planes (h, w) at x[xo ..], input rows
     * {@code ld} apart (ld >= w; planes h*ld apart), and arg = its winner code 2*dy + dx (first
     * maximum wins), into {@code out}'s values and winners from element {@code first} on, planes
     * (h/2)*(w/2) apart.
     */
    void forward(float[] x, int xo, int planes, int h, int w, int ld, Pooled out, int first) {
        boolean pairLanes = this.pairLanes;
        float[] y = out.values().array(), arg = out.winners().array();
        int yo = out.values().offset() + first, ao = out.winners().offset() + first;
        int oh = h / 2, ow = w / 2;
        FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f), three = FloatVector.broadcast(S, 3f);
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int r0 = xo + (p * h + 2 * oy) * ld, r1 = r0 + ld;
                int o = (p * oh + oy) * ow;
                int ox = 0;
                // the last step is shifted back to end at ow: the windows it shares with the step
                // before are computed again and written with the same values (no scalar tail,
                // whose data-dependent branches mispredict)
                for (int end = !pairLanes && ow >= L ? ow : 0; ox < end; ox += L) {
                    int at = Math.min(ox, ow - L);
                    FloatVector best = half(x, r0 + 2 * at, false);
                    FloatVector where = FloatVector.zero(S);
                    FloatVector v = half(x, r0 + 2 * at, true);
                    VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, gt);
                    where = where.blend(one, gt);
                    v = half(x, r1 + 2 * at, false);
                    gt = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, gt);
                    where = where.blend(two, gt);
                    v = half(x, r1 + 2 * at, true);
                    gt = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, gt);
                    where = where.blend(three, gt);
                    best.intoArray(y, yo + o + at);
                    where.intoArray(arg, ao + o + at);
                }
                for (int end = pairLanes && ow >= N ? ow : 0; ox < end; ox += N) {
                    int at = Math.min(ox, ow - N);
                    FloatVector top = FloatVector.fromArray(S, x, r0 + 2 * at);
                    FloatVector bottom = FloatVector.fromArray(S, x, r1 + 2 * at);
                    FloatVector best = top, where = FloatVector.zero(S);
                    FloatVector v = odd(top);
                    VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, gt);
                    where = where.blend(one, gt);
                    gt = bottom.compare(VectorOperators.GT, best);
                    best = best.blend(bottom, gt);
                    where = where.blend(two, gt);
                    v = odd(bottom);
                    gt = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, gt);
                    where = where.blend(three, gt);
                    storeEven(best, y, yo + o + at);
                    storeEven(where, arg, ao + o + at);
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

    /**
     * One input row of the pooling's backward pass, written whole: row {@code half} (0 = top, 1 =
     * bottom) of the windows whose gradients are dy[dyo ..] and winners arg[ao ..], as w floats at
     * dx[dxo ..]: a window's gradient in its winner's lane, 0 elsewhere (and in a trailing odd
     * column). What {@link #backward} writes into that row, for a consumer that reads dL/dx a few
     * rows at a time instead of a whole buffer.
     */
    void unpoolRow(float[] dy, int dyo, float[] arg, int ao, int w, int half, float[] dx, int dxo) {
        int ow = w / 2, ox = 0;
        float top = 2f * half;
        FloatVector zero = FloatVector.zero(S);
        if (pairLanes) {
            FloatVector codes = COLUMN.add(top);
            // the last step shifted back to end at ow, as in forward
            for (int end = ow >= N ? ow : 0; ox < end; ox += N) {
                int at = Math.min(ox, ow - N);
                FloatVector g = pairs(dy, dyo + at), q = pairs(arg, ao + at);
                zero.blend(g, q.compare(VectorOperators.EQ, codes)).intoArray(dx, dxo + 2 * at);
            }
        } else {
            for (int end = ow >= L ? ow : 0; ox < end; ox += L) {
                int at = Math.min(ox, ow - L);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + at), q = FloatVector.fromArray(S, arg, ao + at);
                FloatVector left = zero.blend(g, q.compare(VectorOperators.EQ, top));
                FloatVector right = zero.blend(g, q.compare(VectorOperators.EQ, top + 1f));
                left.rearrange(ZIP_LOW).blend(right.rearrange(ZIP_LOW), ODD).intoArray(dx, dxo + 2 * at);
                left.rearrange(ZIP_HIGH).blend(right.rearrange(ZIP_HIGH), ODD).intoArray(dx, dxo + 2 * at + L);
            }
        }
        for (; ox < ow; ox++) {
            int q = (int) arg[ao + ox] - 2 * half;
            float g = dy[dyo + ox];
            dx[dxo + 2 * ox] = q == 0 ? g : 0f;
            dx[dxo + 2 * ox + 1] = q == 1 ? g : 0f;
        }
        if ((w & 1) == 1) dx[dxo + w - 1] = 0f;
    }

    /**
     * dx[winner] = dy, winner = (2*oy + q/2, 2*ox + q%2), for {@code planes} planes of the gradient
     * and winners in {@code grads} from element {@code first} on and dx (h, w) planes at dx[dxo ..];
     * every element of dx is written (losers and a trailing odd row or column get 0).
     */
    void backward(Pooled grads, int first, int planes, int h, int w, float[] dx, int dxo) {
        boolean pairLanes = this.pairLanes;
        float[] dy = grads.values().array(), arg = grads.winners().array();
        int dyo = grads.values().offset() + first, ao = grads.winners().offset() + first;
        int oh = h / 2, ow = w / 2;
        FloatVector row1 = COLUMN.add(2f);
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int r0 = dxo + (p * h + 2 * oy) * w, r1 = r0 + w;
                int o = (p * oh + oy) * ow;
                int ox = 0;
                for (int end = pairLanes ? ow - N : -1; ox <= end; ox += N) {
                    FloatVector g = pairs(dy, dyo + o + ox), q = pairs(arg, ao + o + ox);
                    FloatVector zero = FloatVector.zero(S);
                    FloatVector g0 = zero.blend(g, q.compare(VectorOperators.EQ, COLUMN));
                    FloatVector g1 = zero.blend(g, q.compare(VectorOperators.EQ, row1));
                    g0.intoArray(dx, r0 + 2 * ox);
                    g1.intoArray(dx, r1 + 2 * ox);
                }
                if (!pairLanes) ox = zip(dy, dyo + o, arg, ao + o, ow, dx, r0, r1);
                for (; ox < ow; ox++) {
                    dx[r0 + 2 * ox] = dx[r0 + 2 * ox + 1] = dx[r1 + 2 * ox] = dx[r1 + 2 * ox + 1] = 0f;
                    int q = (int) arg[ao + o + ox];
                    dx[r0 + (q >> 1) * w + 2 * ox + (q & 1)] = dy[dyo + o + ox];
                }
                if ((w & 1) == 1) dx[r0 + w - 1] = dx[r1 + w - 1] = 0f;
            }
            if ((h & 1) == 1) {
                int last = dxo + (p * h + h - 1) * w;
                java.util.Arrays.fill(dx, last, last + w, 0f);
            }
        }
    }
}
