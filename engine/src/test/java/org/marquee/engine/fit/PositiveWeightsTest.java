package org.marquee.engine.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.marquee.engine.Losses;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Loss;
import org.marquee.engine.reference.ReferenceBackend;

class PositiveWeightsTest {
    /** Ten posters; genre 0 positive 5 times, 1 twice, 2 once, 3 never, 4 eight times. */
    static boolean[][] labels() {
        int[] positives = {5, 2, 1, 0, 8};
        boolean[][] l = new boolean[10][5];
        for (int j = 0; j < 5; j++) for (int i = 0; i < positives[j]; i++) l[i][j] = true;
        return l;
    }

    @Test
    void eachGenreWeighsItsPositivesByTheRatioOfNegativesCappedAndAtLeastOne() {
        var w = PositiveWeights.capped(labels(), 5, 6);
        // 5/5 = 1; 8/2 = 4; 9/1 = 9 -> cap 6; no positives -> cap 6; 2/8 -> floor 1
        assertArrayEquals(new double[] {1, 4, 6, 6, 1}, w.perGenre(), 0);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, PositiveWeights.capped(labels(), 5, 1).perGenre(), 0, "cap 1: the plain loss");
        assertTrue(w.describe(java.util.List.of("A", "B", "C", "D", "E")).startsWith("A 1.0, B 4.0, C 6.0"), w.describe(java.util.List.of()));
    }

    @Test
    void badWeightsAndCapsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> PositiveWeights.capped(labels(), 5, 0.5));
        assertTrue(e.getMessage().contains("cap must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PositiveWeights(new double[] {1, 0.9}));
        assertTrue(e.getMessage().contains("genre 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PositiveWeights(new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> PositiveWeights.capped(labels(), 4, 2), "labels of 5 genres for 4");
    }

    /** The weighted loss on the host: mean over every element of s · BCE(z + log w_j, t). */
    static double weightedLoss(double[] z, float[] t, double[] w, int g) {
        double sum = 0;
        for (int k = 0; k < z.length; k++) sum += (1 + (w[k % g] - 1) * t[k]) * Losses.binaryCrossEntropy(z[k] + Math.log(w[k % g]), t[k]);
        return sum / z.length;
    }

    @Test
    void theGradientIsTheDerivativeOfTheWeightedShiftedLossAndThePlainLossIsReturned() {
        int n = 4, g = 3;
        var w = new PositiveWeights(new double[] {1, 2.5, 7});
        Random r = new Random(3);
        double[] z = new double[n * g];
        float[] t = new float[n * g];
        for (int k = 0; k < z.length; k++) {
            z[k] = r.nextGaussian() * 2;
            t[k] = r.nextBoolean() ? 1 : 0;
        }
        try (var b = new ReferenceBackend();
             Tensor logits = b.allocate(n, g); Tensor targets = b.allocate(n, g); Tensor grad = b.allocate(n, g);
             PositiveWeights.Loss loss = w.open(b, n)) {
            b.upload(logits, z);
            b.upload(targets, t);
            double plain = loss.gradient(logits, targets, t, grad);
            double[] analytic = grad.toDoubles();
            assertEquals(weightedLoss(z, t, new double[] {1, 1, 1}, g), plain, 1e-12, "the printed loss stays the plain one");
            assertArrayEquals(z, logits.toDoubles(), 0, "the logits are left as they were");
            double h = 1e-6;
            for (int k = 0; k < z.length; k++) {
                double[] up = z.clone(), down = z.clone();
                up[k] += h;
                down[k] -= h;
                double numeric = (weightedLoss(up, t, w.perGenre(), g) - weightedLoss(down, t, w.perGenre(), g)) / (2 * h);
                assertEquals(numeric, analytic[k], 1e-8, "element " + k + " (genre " + k % g + ", target " + t[k] + ")");
            }
        }
    }

    @Test
    void descendingTheWeightedLossEndsAtTheGenresOwnLogOdds() {
        // one genre, 10 posters, 2 positive: q = 0.2, w = 4. Unshifted weighting would end at log(4 q / (1 - q)) = 0.
        int n = 10;
        var w = new PositiveWeights(new double[] {4});
        float[] t = new float[n];
        t[0] = t[1] = 1;
        double z = 0;
        try (var b = new ReferenceBackend();
             Tensor logits = b.allocate(n, 1); Tensor targets = b.allocate(n, 1); Tensor grad = b.allocate(n, 1);
             PositiveWeights.Loss loss = w.open(b, n)) {
            b.upload(targets, t);
            for (int step = 0; step < 2000; step++) {
                double[] zs = new double[n];
                java.util.Arrays.fill(zs, z);
                b.upload(logits, zs);
                loss.gradient(logits, targets, t, grad);
                double sum = 0;
                for (double d : grad.toDoubles()) sum += d;
                z -= 2.0 * sum;
            }
        }
        assertEquals(Math.log(0.2 / 0.8), z, 1e-6, "the logit still means the genre's probability");
    }
}
