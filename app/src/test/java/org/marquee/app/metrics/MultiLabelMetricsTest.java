package org.marquee.app.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every expected number below was worked out by hand from the 4 x 3 example in the comments. */
class MultiLabelMetricsTest {
    static final List<String> LABELS = List.of("A", "B", "C");
    //                                   A      B      C
    static final boolean[][] TRUTH = {{true, true, false},    // e0: A, B
                                      {false, false, true},   // e1: C
                                      {true, false, false},   // e2: A
                                      {false, true, true}};   // e3: B, C
    static final double[][] SCORES = {{0.9, 0.6, 0.2},        // decides A B   top A (right)  coverage 2
                                      {0.7, 0.1, 0.4},        // decides A     top A (wrong)  coverage 2
                                      {0.3, 0.5, 0.1},        // decides B     top B (wrong)  coverage 2
                                      {0.6, 0.55, 0.65}};     // decides A B C top C (right)  coverage 3
    static final double EPS = 1e-12;

    @Test
    void handComputedExample() {
        MetricsReport r = MultiLabelMetrics.evaluate(SCORES, TRUTH, LABELS, 0.5);
        assertEquals(4, r.examples());
        assertEquals(7.0 / 12, r.accuracy(), EPS);          // e0 3, e1 1, e2 1, e3 2 right cells
        assertEquals(5.0 / 12, r.hammingLoss(), EPS);
        assertEquals(0.5, r.oneError(), EPS);
        assertEquals(9.0 / 4, r.coverage(), EPS);
        assertEquals(8.0 / 13, r.microF1(), EPS);           // TP 4, FP 3, FN 2
        assertEquals((0.4 + 0.8 + 2.0 / 3) / 3, r.macroF1(), EPS);
        assertEquals((0.5 + 1.0 + 1.0) / 3, r.meanAuc(), EPS);

        GenreScore a = r.genres().get(0);
        assertEquals(1, a.truePositives());
        assertEquals(2, a.falsePositives());
        assertEquals(1, a.falseNegatives());
        assertEquals(2, a.support());
        assertEquals(1.0 / 3, a.precision(), EPS);
        assertEquals(0.5, a.recall(), EPS);
        assertEquals(0.4, a.f1(), EPS);
        assertEquals(0.5, a.auc(), EPS);                    // pairs (.9>.7) (.9>.6) (.3<.7) (.3<.6)
        GenreScore b = r.genres().get(1);
        assertEquals(2.0 / 3, b.precision(), EPS);
        assertEquals(1.0, b.recall(), EPS);
        assertEquals(0.8, b.f1(), EPS);
        GenreScore c = r.genres().get(2);
        assertEquals(1.0, c.precision(), EPS);
        assertEquals(0.5, c.recall(), EPS);
        assertEquals(1.0, c.auc(), EPS);
    }

    @Test
    void meanAveragePrecisionOfTheHandComputedExample() {
        MetricsReport r = MultiLabelMetrics.evaluate(SCORES, TRUTH, LABELS, 0.5);
        // A ranked .9(+) .7 .6 .3(+): precision 1/1 at the first positive, 2/4 at the second -> 0.75
        assertEquals(0.75, r.genres().get(0).averagePrecision(), EPS);
        // B ranked .6(+) .55(+) .5 .1 and C ranked .65(+) .4(+) .2 .1: both positives first -> 1
        assertEquals(1.0, r.genres().get(1).averagePrecision(), EPS);
        assertEquals(1.0, r.genres().get(2).averagePrecision(), EPS);
        assertEquals((0.75 + 1 + 1) / 3, r.meanAveragePrecision(), EPS);
        assertTrue(r.headline().endsWith("mAP 0.9167"), r.headline());
    }

    @Test
    void averagePrecisionTreatsTiesAsOneThresholdAndMapSkipsGenresWithoutPositives() {
        //                    x     y     z
        double[][] s = {{0.5, 0.9, 0.1},
                        {0.5, 0.2, 0.9},
                        {0.2, 0.4, 0.3}};
        boolean[][] t = {{true, false, false},
                         {false, false, true},
                         {true, false, false}};
        MetricsReport r = MultiLabelMetrics.evaluate(s, t, List.of("x", "y", "z"), 0.5);
        // x: at 0.5 (the tie) P 1/2, R 1/2; at 0.2 P 2/3, R 1 -> 1/2 * 1/2 + 1/2 * 2/3 = 7/12
        assertEquals(7.0 / 12, r.genres().get(0).averagePrecision(), EPS);
        assertTrue(Double.isNaN(r.genres().get(1).averagePrecision()), "no positives: AP undefined");
        assertEquals(1.0, r.genres().get(2).averagePrecision(), EPS);
        assertEquals((7.0 / 12 + 1) / 2, r.meanAveragePrecision(), EPS, "the mean over x and z only");
        boolean[][] none = new boolean[3][3];
        assertTrue(Double.isNaN(MultiLabelMetrics.evaluate(s, none, List.of("x", "y", "z"), 0.5).meanAveragePrecision()));
    }

    @Test
    void tablesShowMapBesideTheOtherMetrics() {
        MetricsReport r = MultiLabelMetrics.evaluate(SCORES, TRUTH, LABELS, 0.5);
        String table = MetricsTable.compare(List.of("model"), List.of(r));
        assertTrue(table.lines().findFirst().orElseThrow().endsWith("mean AUC       mAP"), table);
        assertTrue(table.contains("0.8333    0.9167"), table);    // mean AUC, then mAP
        String perGenre = MetricsTable.perGenre(r);
        assertTrue(perGenre.startsWith("genre") && perGenre.contains("     AP  support"), perGenre);
        assertTrue(perGenre.contains("0.500   0.750"), perGenre);  // A: AUC, then AP
    }

    @Test
    void thresholdIsInclusive() {
        double[][] s = {{0.5, 0.49}};
        boolean[][] t = {{true, true}};
        MetricsReport r = MultiLabelMetrics.evaluate(s, t, List.of("x", "y"), 0.5);
        assertEquals(1, r.genres().get(0).truePositives());
        assertEquals(1, r.genres().get(1).falseNegatives());
    }

    @Test
    void tiedScoresGiveHalfAucAndPessimisticCoverage() {
        double[][] s = {{0.3, 0.3, 0.3}, {0.3, 0.3, 0.3}};
        boolean[][] t = {{true, false, false}, {false, true, false}};
        MetricsReport r = MultiLabelMetrics.evaluate(s, t, LABELS, 0.5);
        assertEquals(0.5, r.genres().get(0).auc(), EPS);
        assertEquals(3.0, r.coverage(), EPS);
        assertTrue(Double.isNaN(r.genres().get(2).auc()), "no positives: AUC undefined");
        assertEquals(0.5, r.meanAuc(), EPS);                // mean over the two defined labels
    }

    @Test
    void examplesWithoutLabelsAreSkippedByOneErrorAndCountZeroCoverage() {
        double[][] s = {{0.9, 0.1}, {0.2, 0.8}};
        boolean[][] t = {{false, false}, {true, false}};
        MetricsReport r = MultiLabelMetrics.evaluate(s, t, List.of("x", "y"), 0.5);
        assertEquals(1.0, r.oneError(), EPS);               // only e1 counts, and its top label is wrong
        assertEquals((0 + 2) / 2.0, r.coverage(), EPS);
    }

    @Test
    void predictNothingBaseline() {
        MetricsReport r = Baselines.predictNothing(TRUTH, LABELS);
        assertEquals(0.5, r.accuracy(), EPS);               // 6 positive cells of 12
        assertEquals(0.0, r.microF1(), EPS);
        assertEquals(0.0, r.macroF1(), EPS);
        assertTrue(Double.isNaN(r.oneError()));
        assertTrue(Double.isNaN(r.coverage()));
        assertTrue(Double.isNaN(r.meanAveragePrecision()), "no scores, no ranking");
    }

    @Test
    void mostFrequentBaseline() {
        double[] prior = {0.5, 0.3, 0.2};
        MetricsReport r = Baselines.mostFrequent(prior, 1, TRUTH, LABELS);   // always {A}
        assertEquals(0.4, r.microF1(), EPS);                // TP 2, FP 2, FN 4
        assertEquals(0.5, r.oneError(), EPS);               // e1 and e3 lack A
        assertEquals(9.0 / 4, r.coverage(), EPS);           // ranks 2, 3, 1, 3
        assertEquals(0.5, r.meanAuc(), EPS);                // constant scores
        assertEquals(0.5, r.meanAveragePrecision(), EPS);   // constant scores: AP = each label's frequency, 2/4
        assertEquals(6.0 / 12, r.accuracy(), EPS);
    }

    @Test
    void priorTopKAndTypicalCount() {
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, Baselines.prior(TRUTH, 3), EPS);
        assertArrayEquals(new int[] {1, 3}, Baselines.topK(new double[] {0.1, 0.4, 0.2, 0.4}, 2));
        assertEquals(2, Baselines.typicalLabelCount(TRUTH));  // 6 labels / 4 examples = 1.5 -> 2
    }

    @Test
    void rejectsMismatchedShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultiLabelMetrics.evaluate(new double[][] {{0.1, 0.2}}, new boolean[][] {{true, false, true}}, LABELS, 0.5));
        assertTrue(e.getMessage().contains("row 0"), e.getMessage());
    }
}
