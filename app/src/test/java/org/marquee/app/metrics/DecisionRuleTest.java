package org.marquee.app.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.ModelSpec;
import org.marquee.engine.checkpoint.TrainingState;

class DecisionRuleTest {
    @Test
    void theTopGenreIsAlwaysDecidedEvenBelowItsThreshold() {
        DecisionRule rule = DecisionRule.global(4, 0.5);
        assertArrayEquals(new boolean[] {false, false, true, false}, rule.decide(new double[] {0.1, 0.2, 0.3, 0.05}));
        assertArrayEquals(new boolean[] {true, false, true, false}, rule.decide(new double[] {0.6, 0.2, 0.7, 0.05}));
    }

    @Test
    void atMostThreeGenresTheHighestFirst() {
        DecisionRule rule = DecisionRule.global(5, 0.2);
        assertArrayEquals(new boolean[] {true, false, true, true, false}, rule.decide(new double[] {0.9, 0.3, 0.8, 0.7, 0.25}));
        DecisionRule two = new DecisionRule(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, 1, 2);
        assertArrayEquals(new boolean[] {true, false, true, false, false}, two.decide(new double[] {0.9, 0.3, 0.8, 0.7, 0.25}));
        DecisionRule none = new DecisionRule(new double[] {0.5, 0.5}, 0, 3);
        assertArrayEquals(new boolean[] {false, false}, none.decide(new double[] {0.4, 0.3}), "min 0: no forced top genre");
    }

    @Test
    void eachGenreItsOwnThreshold() {
        DecisionRule rule = new DecisionRule(new double[] {0.5, 0.1, 0.5}, 1, 3);
        assertArrayEquals(new boolean[] {true, true, false}, rule.decide(new double[] {0.9, 0.15, 0.45}));
        // a high-probability genre held back by its own threshold does not use up the cap
        DecisionRule strict = new DecisionRule(new double[] {0.5, 0.95, 0.2, 0.2}, 1, 2);
        assertArrayEquals(new boolean[] {true, false, true, false}, strict.decide(new double[] {0.9, 0.8, 0.3, 0.25}));
    }

    @Test
    void rejectsBadLimitsAndThresholds() {
        assertThrows(IllegalArgumentException.class, () -> new DecisionRule(new double[] {0.5}, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new DecisionRule(new double[] {1.0}, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> DecisionRule.global(3, 0.5).decide(new double[] {0.1, 0.2}));
    }

    /** Truth: genre 0 on every poster, genre 1 on 40 of 80 with scores that need a low threshold. */
    static double[][] scores;
    static boolean[][] truth;

    static {
        int n = 80;
        scores = new double[n][3];
        truth = new boolean[n][3];
        for (int i = 0; i < n; i++) {
            truth[i][0] = true;
            scores[i][0] = 0.9;
            boolean one = i % 2 == 0;
            truth[i][1] = one;
            scores[i][1] = one ? 0.15 : 0.05;          // separable at 0.10 and below 0.15
            boolean two = i % 4 == 1;                   // 20 positives: too few for a threshold of its own
            truth[i][2] = two;
            scores[i][2] = two ? 0.6 : (i % 4 == 3 ? 0.55 : 0.3);
        }
    }

    @Test
    void tunesAGlobalThresholdThenOwnOnesOnlyForGenresWithEnoughPositives() {
        DecisionRule global = DecisionRule.tune(scores, truth, 1, 3, 30, 0);
        DecisionRule tuned = DecisionRule.tune(scores, truth);
        double g = global.thresholds()[0];
        assertTrue(global.thresholds()[1] == g && global.thresholds()[2] == g);
        // genre 1 (40 positives) gets its own threshold that separates it; genre 2 (20) keeps the global one
        assertTrue(tuned.thresholds()[1] > 0.05 && tuned.thresholds()[1] <= 0.15, tuned.toString());
        assertEquals(g, tuned.thresholds()[2], tuned.toString());
        assertEquals(1, tuned.min());
        assertEquals(3, tuned.max());
        assertTrue(tuned.microF1(scores, truth) > global.microF1(scores, truth), tuned + " vs " + global);
        // with a 50-positive requirement genre 1 keeps the global threshold too
        DecisionRule strict = DecisionRule.tune(scores, truth, 1, 3, 50, 2);
        assertEquals(global, strict);
    }

    @Test
    void theGlobalThresholdMaximizesTheWholeRulesMicroF1() {
        DecisionRule global = DecisionRule.tune(scores, truth, 1, 3, 30, 0);
        double best = global.microF1(scores, truth);
        for (int s = 1; s <= 99; s++) {
            assertTrue(DecisionRule.global(3, s / 100.0).microF1(scores, truth) <= best, "candidate " + s / 100.0);
        }
    }

    @Test
    void neverWorseThanTheGlobalRuleOnTheValidationData() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int trial = 0; trial < 20; trial++) {
            int n = 120, g = 6;
            double[][] p = new double[n][g];
            boolean[][] t = new boolean[n][g];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < g; j++) {
                    t[i][j] = rnd.nextDouble() < 0.15 + 0.1 * j;
                    p[i][j] = Math.min(0.999, Math.max(0.001, (t[i][j] ? 0.25 + 0.05 * j : 0.1 * j / 2) + rnd.nextDouble() * 0.4));
                }
            }
            DecisionRule global = DecisionRule.tune(p, t, 1, 3, 30, 0);
            DecisionRule full = DecisionRule.tune(p, t);
            assertTrue(full.microF1(p, t) >= global.microF1(p, t), "trial " + trial);
            for (boolean[] d : full.decide(p)) {
                int count = 0;
                for (boolean b : d) if (b) count++;
                assertTrue(count >= 1 && count <= 3, "between one and three genres");
            }
        }
    }

    @Test
    void microF1AgreesWithTheMetricsOfItsDecisions() {
        DecisionRule rule = DecisionRule.tune(scores, truth);
        assertEquals(rule.metrics(scores, truth, List.of("a", "b", "c")).microF1(), rule.microF1(scores, truth), 1e-12);
    }

    @Test
    void travelsInACheckpointAsTwoArrays() {
        ModelSpec spec = new ModelSpec("poster-cnn", 3, 2, 2, 3, 1, "x");
        Checkpoint c = new Checkpoint(spec, List.of("a", "b", "c"), TrainingState.initial(1), Checkpoint.Precision.FLOAT32,
                new double[1], 0, null, null);
        assertTrue(DecisionRule.from(c).isEmpty());
        DecisionRule rule = new DecisionRule(new double[] {0.3, 0.12, 0.3}, 1, 3);
        Checkpoint with = rule.storeIn(c);
        assertEquals(rule, DecisionRule.from(with).orElseThrow());
        DecisionRule other = DecisionRule.global(3, 0.4);
        assertEquals(other, DecisionRule.from(other.storeIn(with)).orElseThrow(), "storing again replaces the rule");
        assertEquals(2, other.storeIn(with).extras().size());
        assertNotEquals(rule, other);
        assertEquals("top 1 genre always, others at probability >= 0.30, at most 3; own thresholds: b 0.12", rule.describe(List.of("a", "b", "c")));
    }
}
