package org.marquee.app.metrics;

/**
 * Precision, recall and F1 of one label at a fixed threshold, with its support (number of true
 * examples). An undefined ratio (0/0) is reported as 0, as scikit-learn does by default. The
 * threshold-free {@code auc} (ROC AUC) and {@code averagePrecision} (area under the
 * precision-recall steps) are NaN when undefined or when there are no scores.
 */
public record GenreScore(String genre, int truePositives, int falsePositives, int falseNegatives, int support,
                         double auc, double averagePrecision) {
    public GenreScore {
        if (truePositives < 0 || falsePositives < 0 || falseNegatives < 0 || support < 0) {
            throw new IllegalArgumentException("negative count for " + genre);
        }
        if (support != truePositives + falseNegatives) {
            throw new IllegalArgumentException("support " + support + " != tp + fn for " + genre);
        }
    }

    public double precision() { return ratio(truePositives, truePositives + falsePositives); }
    public double recall() { return ratio(truePositives, truePositives + falseNegatives); }
    /** F1 = 2 TP / (2 TP + FP + FN). */
    public double f1() { return ratio(2.0 * truePositives, 2.0 * truePositives + falsePositives + falseNegatives); }

    private static double ratio(double num, double den) { return den == 0 ? 0 : num / den; }
}
