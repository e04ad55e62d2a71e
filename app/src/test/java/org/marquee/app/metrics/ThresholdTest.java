package org.marquee.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.marquee.app.metrics.MultiLabelMetricsTest.LABELS;
import static org.marquee.app.metrics.MultiLabelMetricsTest.SCORES;
import static org.marquee.app.metrics.MultiLabelMetricsTest.TRUTH;

import org.junit.jupiter.api.Test;

/**
 * The example of {@link MultiLabelMetricsTest}: positive scores 0.9 0.6 0.4 0.3 0.55 0.65, negative
 * scores 0.2 0.7 0.1 0.5 0.1 0.6, so micro-F1 = 2 TP / (TP + FP + 6) is 12/18 up to 0.10, 12/16 up
 * to 0.20, 12/15 up to 0.30, 10/14 up to 0.40 and 8/13 up to 0.50.
 */
class ThresholdTest {
    @Test
    void microF1FollowsTheThreshold() {
        assertEquals(12.0 / 18, Threshold.microF1(SCORES, TRUTH, 0.05), 1e-12);
        assertEquals(12.0 / 16, Threshold.microF1(SCORES, TRUTH, 0.15), 1e-12);
        assertEquals(12.0 / 15, Threshold.microF1(SCORES, TRUTH, 0.30), 1e-12);
        assertEquals(10.0 / 14, Threshold.microF1(SCORES, TRUTH, 0.35), 1e-12);
        assertEquals(MultiLabelMetrics.evaluate(SCORES, TRUTH, LABELS, 0.5).microF1(), Threshold.microF1(SCORES, TRUTH, 0.5), 1e-12);
    }

    @Test
    void tuneTakesTheHighestOfTheBestPlateau() {
        // 0.21 .. 0.30 all give 12/15; ties go to the higher threshold.
        assertEquals(new Threshold.Tuned(0.30), Threshold.tune(SCORES, TRUTH));
    }

    @Test
    void tunedThresholdIsNeverWorseThanHalfOnTheSameData() {
        double t = Threshold.tune(SCORES, TRUTH).value();
        assertTrue(Threshold.microF1(SCORES, TRUTH, t) >= Threshold.microF1(SCORES, TRUTH, 0.5));
    }

    @Test
    void parseAcceptsNumbersInTheOpenIntervalAndTuned() {
        assertEquals(new Threshold.Fixed(0.3), Threshold.parse("0.3"));
        assertEquals(new Threshold.TuneOnValidation(), Threshold.parse("tuned"));
        assertEquals(new Threshold.TuneOnValidation(), Threshold.parse(" TUNED "));
        assertThrows(IllegalArgumentException.class, () -> Threshold.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> Threshold.parse("1"));
        assertThrows(IllegalArgumentException.class, () -> Threshold.parse("NaN"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Threshold.parse("half"));
        assertTrue(e.getMessage().contains("'half'"), e.getMessage());
    }

    @Test
    void aThresholdKnowsWhereItCameFromAndStaysInsideTheInterval() {
        Threshold fixed = new Threshold.Fixed(0.5), tuned = Threshold.tune(SCORES, TRUTH);
        assertTrue(fixed instanceof Threshold.Fixed && tuned instanceof Threshold.Tuned);
        assertEquals("0.50", fixed.label());
        assertEquals("0.30", tuned.label());
        for (double bad : new double[] {0, 1, -0.1, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Threshold.Tuned(bad));
            assertTrue(e.getMessage().contains("between 0 and 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new Threshold.Fixed(bad));
        }
    }

    @Test
    void mismatchedInputIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Threshold.tune(new double[0][], new boolean[0][]));
        assertThrows(IllegalArgumentException.class, () -> Threshold.tune(SCORES, new boolean[1][3]));
    }
}
