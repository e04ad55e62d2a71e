package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.metrics.Threshold;
import org.marquee.app.train.Predictions;

/** The example of MultiLabelMetricsTest: micro-F1 is 12/15 at 0.30 and 8/13 at 0.50. */
class EvaluationReportTest {
    static final boolean[][] TRUTH = {{true, true, false}, {false, false, true}, {true, false, false}, {false, true, true}};
    static final double[][] SCORES = {{0.9, 0.6, 0.2}, {0.7, 0.1, 0.4}, {0.3, 0.5, 0.1}, {0.6, 0.55, 0.65}};
    static final List<String> GENRES = List.of("A", "B", "C");
    final Predictions predictions = new Predictions(SCORES, TRUTH, 0.4);

    static long modelRows(String table) {
        return table.lines().filter(l -> l.startsWith("model, threshold")).count();
    }

    @Test
    void aTunedThresholdIsShownBesideHalf() {
        Threshold.Tuned tuned = EvaluationReport.tune(predictions);
        assertEquals(0.30, tuned.value(), 1e-12);
        EvaluationReport report = new EvaluationReport(predictions, tuned, GENRES, TRUTH);
        String table = report.table();
        assertEquals(2, modelRows(table), table);
        assertTrue(table.contains("model, threshold 0.50") && table.contains("model, threshold 0.30")
                && table.contains("predict nothing"), table);
        assertEquals(12.0 / 15, report.decided().microF1(), 1e-12);
    }

    @Test
    void aFixedThresholdIsShownAlone() {
        EvaluationReport report = new EvaluationReport(predictions, new Threshold.Fixed(0.5), GENRES, TRUTH);
        String table = report.table();
        assertEquals(1, modelRows(table), table);
        assertTrue(table.contains("model, threshold 0.50"), table);
        assertEquals(8.0 / 13, report.decided().microF1(), 1e-12);
        assertTrue(report.perGenre().startsWith("genre") && report.perGenre().contains("A "), report.perGenre());
    }

    @Test
    void aDecisionRuleIsShownBesideHalfAndDecidesThePerGenreTable() {
        // global 0.6: the top genre of each row, plus any other at 0.6 or more
        DecisionRule rule = DecisionRule.global(3, 0.6);
        EvaluationReport report = new EvaluationReport(predictions, rule, GENRES, TRUTH);
        String table = report.table();
        assertEquals(1, modelRows(table), table);
        assertTrue(table.contains("model, decision rule") && table.contains("predict nothing"), table);
        boolean[][] d = rule.decide(SCORES);
        assertArrayEquals(new boolean[] {true, true, false}, d[0]);
        assertArrayEquals(new boolean[] {true, false, false}, d[1]);
        assertArrayEquals(new boolean[] {false, true, false}, d[2]);
        assertArrayEquals(new boolean[] {true, false, true}, d[3]);
        // tp 2 + 0 + 0 + 1 = 3, fp 0 + 1 + 1 + 1 = 3, fn 0 + 1 + 1 + 1 = 3: micro-F1 6 / 12
        assertEquals(0.5, report.decided().microF1(), 1e-12);
    }
}
