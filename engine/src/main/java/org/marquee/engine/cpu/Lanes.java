package org.marquee.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order, the same in the interpreter and in compiled code.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order of its additions unspecified, and JDK 25 uses
 * different orders before and after the JIT compiles a loop: the same lanes could sum to different
 * floats early and late in a run, so results would depend on timing and on how threads share the
 * work. Here the upper half of the lanes is added onto the lower half, then the upper half of that,
 * and so on: lane-wise additions and permutations, exact in every tier.
 */
final class Lanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** HALVES[k] moves lane i + (L >> (k+1)) to lane i. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    private Lanes() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] s = new VectorShuffle[steps];
        for (int k = 0, half = L / 2; k < steps; k++, half /= 2) {
            int[] map = new int[L];
            for (int i = 0; i < L; i++) map[i] = (i + half) % L;
            s[k] = VectorShuffle.fromArray(S, map, 0);
        }
        return s;
    }

    /** Σ of v's lanes: lanes i and i + L/2 first, then i and i + L/4 of those sums, ..., lane 0 last. */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> s : HALVES) v = v.add(v.rearrange(s));
        return v.lane(0);
    }

    /** The same order on plain floats (L of them from a[at]): the readable twin of {@link #sum}. */
    static float sum(float[] a, int at) {
        float[] t = java.util.Arrays.copyOfRange(a, at, at + L);
        for (int half = L / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) t[i] += t[i + half];
        }
        return t[0];
    }
}
