package org.marquee.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LossesTest {
    @Test
    void matchesTheTextbookFormWhereThatIsExact() {
        for (double z : new double[] {-6, -1.5, -0.2, 0, 0.3, 2, 7}) {
            double s = 1 / (1 + Math.exp(-z));
            for (double t : new double[] {0, 0.25, 1}) {
                assertEquals(-t * Math.log(s) - (1 - t) * Math.log(1 - s), Losses.binaryCrossEntropy(z, t), 1e-12, "z " + z + ", t " + t);
            }
        }
        assertEquals(Math.log(2), Losses.binaryCrossEntropy(0, 1), 0);
    }

    @Test
    void staysFiniteAndRightAtLargeLogits() {
        // sigmoid(800) rounds to 1 and sigmoid(-800) to 0: the textbook form would give log(0)
        assertEquals(800, Losses.binaryCrossEntropy(800, 0), 1e-9);
        assertEquals(800, Losses.binaryCrossEntropy(-800, 1), 1e-9);
        assertEquals(0, Losses.binaryCrossEntropy(800, 1), 1e-300);
        assertEquals(0, Losses.binaryCrossEntropy(-800, 0), 1e-300);
    }
}
