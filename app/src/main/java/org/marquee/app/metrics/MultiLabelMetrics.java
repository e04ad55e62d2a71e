package org.marquee.app.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes {@link MetricsReport}s from scores, decisions and ground truth, each (N, L) with N
 * examples and L labels. Decisions are separate from scores so baselines that rank by one rule and
 * decide by another (top-k of the label prior) go through the same code as the model.
 */
public final class MultiLabelMetrics {
    private MultiLabelMetrics() {}

    /** The model's metrics: decisions are {@code score >= threshold}. */
    public static MetricsReport evaluate(double[][] scores, boolean[][] truth, List<String> labels, double threshold) {
        boolean[][] decided = new boolean[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            decided[i] = new boolean[scores[i].length];
            for (int j = 0; j < scores[i].length; j++) decided[i][j] = scores[i][j] >= threshold;
        }
        return evaluate(scores, decided, truth, labels);
    }

    /**
     * Metrics for given decisions; {@code scores} may be null, in which case the ranking metrics
     * (one-error, coverage, AUC, average precision) are NaN.
     */
    public static MetricsReport evaluate(double[][] scores, boolean[][] decided, boolean[][] truth, List<String> labels) {
        int n = truth.length;
        int l = labels.size();
        check(decided, n, l, "decisions");
        check(truth, n, l, "truth");
        if (scores != null) check(scores, n, l);

        int[] tp = new int[l], fp = new int[l], fn = new int[l];
        long correct = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < l; j++) {
                boolean d = decided[i][j], t = truth[i][j];
                if (d == t) correct++;
                if (d && t) tp[j]++;
                else if (d) fp[j]++;
                else if (t) fn[j]++;
            }
        }
        long cells = (long) n * l;
        double accuracy = cells == 0 ? 0 : (double) correct / cells;

        List<GenreScore> genres = new ArrayList<>(l);
        long sumTp = 0, sumFp = 0, sumFn = 0;
        double macroSum = 0, aucSum = 0, apSum = 0;
        int macroCount = 0, aucCount = 0, apCount = 0;
        for (int j = 0; j < l; j++) {
            double auc = scores == null ? Double.NaN : RankingMetrics.rocAuc(scores, truth, j);
            double ap = scores == null ? Double.NaN : RankingMetrics.averagePrecision(scores, truth, j);
            GenreScore g = new GenreScore(labels.get(j), tp[j], fp[j], fn[j], tp[j] + fn[j], auc, ap);
            genres.add(g);
            sumTp += tp[j]; sumFp += fp[j]; sumFn += fn[j];
            if (g.support() > 0) { macroSum += g.f1(); macroCount++; }
            if (!Double.isNaN(auc)) { aucSum += auc; aucCount++; }
            if (!Double.isNaN(ap)) { apSum += ap; apCount++; }
        }
        double microDen = 2.0 * sumTp + sumFp + sumFn;
        double microF1 = microDen == 0 ? 0 : 2.0 * sumTp / microDen;
        double macroF1 = macroCount == 0 ? 0 : macroSum / macroCount;
        double meanAuc = aucCount == 0 ? Double.NaN : aucSum / aucCount;
        double map = apCount == 0 ? Double.NaN : apSum / apCount;
        double oneError = scores == null ? Double.NaN : RankingMetrics.oneError(scores, truth);
        double coverage = scores == null ? Double.NaN : RankingMetrics.coverage(scores, truth);
        return new MetricsReport(n, accuracy, 1 - accuracy, oneError, coverage, microF1, macroF1, meanAuc, map, genres);
    }

    private static void check(boolean[][] m, int n, int l, String what) {
        if (m.length != n) throw new IllegalArgumentException(what + " has " + m.length + " rows, expected " + n);
        for (int i = 0; i < n; i++) {
            if (m[i].length != l) {
                throw new IllegalArgumentException(what + " row " + i + " has " + m[i].length + " labels, expected " + l);
            }
        }
    }

    private static void check(double[][] m, int n, int l) {
        if (m.length != n) throw new IllegalArgumentException("scores has " + m.length + " rows, expected " + n);
        for (int i = 0; i < n; i++) {
            if (m[i].length != l) {
                throw new IllegalArgumentException("scores row " + i + " has " + m[i].length + " labels, expected " + l);
            }
            for (double v : m[i]) {
                if (Double.isNaN(v)) throw new IllegalArgumentException("scores row " + i + " contains NaN: " + Arrays.toString(m[i]));
            }
        }
    }
}
