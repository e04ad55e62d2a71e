package org.marquee.app.metrics;

import java.util.List;

/**
 * Multi-label metrics over one data set. Ranking metrics ({@code oneError}, {@code coverage},
 * {@code meanAuc}, {@code meanAveragePrecision}) are NaN when the predictor gives no ranking (the
 * predict-nothing baseline).
 *
 * @param examples        number of examples scored
 * @param accuracy        per-label (binary) accuracy over examples x labels
 * @param hammingLoss     1 - accuracy: the fraction of wrong label decisions
 * @param oneError        fraction of examples (with at least one true label) whose top-ranked label is wrong
 * @param coverage        mean rank (1-based, ties counted pessimistically) of the lowest-ranked true label,
 *                        as scikit-learn's coverage_error; examples without true labels count 0
 * @param microF1         2 TP / (2 TP + FP + FN) summed over all labels
 * @param macroF1         mean F1 over labels with support &gt; 0
 * @param meanAuc         mean ROC AUC over labels that have both positive and negative examples
 * @param meanAveragePrecision mAP: the mean over labels of their average precision
 *                        (Σ_n (R_n - R_{n-1}) P_n over the ranking by score, as scikit-learn's
 *                        average_precision_score); labels without a positive example are skipped,
 *                        as their recall is undefined; NaN when no label has one
 * @param genres          per-label precision, recall, F1, support and AUC
 */
public record MetricsReport(int examples, double accuracy, double hammingLoss, double oneError, double coverage,
                            double microF1, double macroF1, double meanAuc, double meanAveragePrecision,
                            List<GenreScore> genres) {
    public MetricsReport {
        if (examples < 0) throw new IllegalArgumentException("examples must be >= 0: " + examples);
        genres = List.copyOf(genres);
    }

    /** One line with the headline numbers. */
    public String headline() {
        return String.format(java.util.Locale.ROOT,
                "acc %.4f  hamming %.4f  one-error %s  coverage %s  micro-F1 %.4f  macro-F1 %.4f  AUC %s  mAP %s",
                accuracy, hammingLoss, fmt(oneError), fmt(coverage), microF1, macroF1, fmt(meanAuc), fmt(meanAveragePrecision));
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
