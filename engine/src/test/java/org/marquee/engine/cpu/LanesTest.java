package org.marquee.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The lane sum's order is fixed: the same floats before and after the JIT compiles it. */
class LanesTest {

    @Test
    void vectorSumFollowsTheStatedOrderInEveryTier() {
        int lanes = FloatVector.SPECIES_PREFERRED.length(), n = 2000;
        float[] a = new float[n * lanes];
        SplittableRandom r = new SplittableRandom(11);
        // magnitudes from 1 to 1e5: most sums differ in the last bits between addition orders
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(6)));
        float[] expected = new float[n];
        for (int k = 0; k < n; k++) expected[k] = Lanes.sum(a, k * lanes);
        // the first calls run interpreted, the later ones compiled (hot after 100 rounds)
        for (int round = 0; round < 100; round++) {
            for (int k = 0; k < n; k++) {
                float got = Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, a, k * lanes));
                assertEquals(Float.floatToIntBits(expected[k]), Float.floatToIntBits(got),
                        "round " + round + ", vector " + k + ": " + got + " instead of " + expected[k]);
            }
        }
    }

    @Test
    void scalarTwinAddsHalvesInTurn() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] a = new float[lanes];
        for (int i = 0; i < lanes; i++) a[i] = i + 1;
        assertEquals(lanes * (lanes + 1) / 2f, Lanes.sum(a, 0));
        // 1e8 + 1 - 1e8 + 1 ... : halves first gives a different float than left to right
        float[] b = new float[lanes];
        b[0] = 1e8f;
        b[1] = 1f;
        b[lanes / 2] = -1e8f;
        b[lanes / 2 + 1] = 1f;
        assertEquals(2f, Lanes.sum(b, 0), "lane 0 and lane L/2 cancel before the ones are added");
    }
}
