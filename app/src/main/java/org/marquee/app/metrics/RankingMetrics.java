package org.marquee.app.metrics;

import java.util.Arrays;
import java.util.Comparator;

/** Metrics that depend on how an example's labels are ranked by score, not on a threshold. */
final class RankingMetrics {
    private RankingMetrics() {}

    /**
     * Fraction of examples whose highest-scored label is not a true label; examples without any
     * true label are skipped. Ties at the top are broken towards the lowest label index.
     */
    static double oneError(double[][] scores, boolean[][] truth) {
        int counted = 0, wrong = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!any(truth[i])) continue;
            int best = 0;
            for (int j = 1; j < scores[i].length; j++) if (scores[i][j] > scores[i][best]) best = j;
            counted++;
            if (!truth[i][best]) wrong++;
        }
        return counted == 0 ? Double.NaN : (double) wrong / counted;
    }

    /**
     * scikit-learn's coverage_error: for each example, the number of labels scored at least as high
     * as its lowest-scored true label (so 1 means the single true label was ranked first); 0 for an
     * example without true labels; averaged over all examples.
     */
    static double coverage(double[][] scores, boolean[][] truth) {
        if (scores.length == 0) return Double.NaN;
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            double lowest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < scores[i].length; j++) if (truth[i][j]) lowest = Math.min(lowest, scores[i][j]);
            if (lowest == Double.POSITIVE_INFINITY) continue;
            int rank = 0;
            for (double s : scores[i]) if (s >= lowest) rank++;
            sum += rank;
        }
        return sum / scores.length;
    }

    /**
     * Area under the ROC curve of label {@code j} (Mann-Whitney U with average ranks for ties);
     * NaN when the label has no positive or no negative example.
     */
    static double rocAuc(double[][] scores, boolean[][] truth, int j) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i][j]));
        long positives = 0;
        double positiveRankSum = 0;
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]][j] == scores[order[start]][j]) end++;
            double averageRank = (start + end) / 2.0 + 1;   // 1-based
            for (int k = start; k <= end; k++) {
                if (truth[order[k]][j]) { positives++; positiveRankSum += averageRank; }
            }
            start = end + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return Double.NaN;
        // U = R+ - P(P+1)/2, AUC = U / (P * N)
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * Average precision of label {@code j}, as scikit-learn's average_precision_score: the examples
     * are ranked by score, highest first, and each distinct score is a threshold n; with P_n and R_n
     * the precision and recall of deciding "score &gt;= threshold n",
     * <pre>
     *   AP = Σ_n (R_n - R_{n-1}) · P_n          R_0 = 0
     * </pre>
     * which, without ties, is the mean over the positive examples of the precision at the rank of
     * each. Tied scores are one threshold (no interpolation). NaN when the label has no positive
     * example, where recall is undefined.
     */
    static double averagePrecision(double[][] scores, boolean[][] truth, int j) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i][j]).reversed());
        long positives = 0;
        for (boolean[] row : truth) if (row[j]) positives++;
        if (positives == 0) return Double.NaN;
        long tp = 0, seen = 0;
        double ap = 0, previousRecall = 0;
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]][j] == scores[order[start]][j]) end++;
            for (int k = start; k <= end; k++) if (truth[order[k]][j]) tp++;
            seen += end - start + 1;
            double recall = (double) tp / positives;
            ap += (recall - previousRecall) * tp / seen;
            previousRecall = recall;
            start = end + 1;
        }
        return ap;
    }

    private static boolean any(boolean[] row) {
        for (boolean b : row) if (b) return true;
        return false;
    }
}
