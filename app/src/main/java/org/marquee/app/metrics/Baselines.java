package org.marquee.app.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Trivial predictors computed on the same examples as the model, so its metrics can be read against them:
 * <ul>
 *   <li><b>predict nothing</b>: every label off (high per-label accuracy on sparse labels, F1 of 0);</li>
 *   <li><b>most frequent</b>: always the k most frequent labels of the training set, ranked by that prior
 *       (k = the training set's mean number of labels per example, rounded; {Drama, Comedy} on the posters).</li>
 * </ul>
 */
public final class Baselines {
    private Baselines() {}

    public static MetricsReport predictNothing(boolean[][] truth, List<String> labels) {
        boolean[][] none = new boolean[truth.length][labels.size()];
        return MultiLabelMetrics.evaluate(null, none, truth, labels);
    }

    /** @param prior per-label frequency in the training set, used both to rank and to pick the top k */
    public static MetricsReport mostFrequent(double[] prior, int k, boolean[][] truth, List<String> labels) {
        if (prior.length != labels.size()) {
            throw new IllegalArgumentException("prior has " + prior.length + " labels, expected " + labels.size());
        }
        if (k < 0 || k > labels.size()) throw new IllegalArgumentException("k must be in [0, " + labels.size() + "]: " + k);
        int[] top = topK(prior, k);
        boolean[] row = new boolean[prior.length];
        for (int j : top) row[j] = true;
        double[][] scores = new double[truth.length][];
        boolean[][] decided = new boolean[truth.length][];
        for (int i = 0; i < truth.length; i++) {
            scores[i] = prior.clone();
            decided[i] = row.clone();
        }
        return MultiLabelMetrics.evaluate(scores, decided, truth, labels);
    }

    /** Indices of the k largest values, largest first; ties go to the lower index. */
    public static int[] topK(double[] values, int k) {
        return IntStream.range(0, values.length).boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> -values[j]).thenComparingInt(j -> j))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** Per-label frequency of {@code truth} (fraction of examples carrying each label). */
    public static double[] prior(boolean[][] truth, int labels) {
        double[] freq = new double[labels];
        for (boolean[] row : truth) for (int j = 0; j < labels; j++) if (row[j]) freq[j]++;
        if (truth.length > 0) for (int j = 0; j < labels; j++) freq[j] /= truth.length;
        return freq;
    }

    /** The mean number of labels per example, rounded to the nearest integer (at least 1 when any label exists). */
    public static int typicalLabelCount(boolean[][] truth) {
        double total = Arrays.stream(truth).mapToLong(r -> IntStream.range(0, r.length).filter(j -> r[j]).count()).sum();
        if (truth.length == 0 || total == 0) return 0;
        return Math.max(1, (int) Math.round(total / truth.length));
    }
}
