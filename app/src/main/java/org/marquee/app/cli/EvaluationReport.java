package org.marquee.app.cli;

import java.util.List;
import org.marquee.app.metrics.MetricsReport;
import org.marquee.app.metrics.MetricsTable;
import org.marquee.app.metrics.Threshold;
import org.marquee.app.train.Predictions;

/**
 * A split's scores as {@code train} ends and {@code evaluate} prints them: the model beside the
 * trivial baselines, at 0.5 and at a threshold tuned on the validation split, or at one fixed
 * threshold; and per genre at that threshold. Both commands print through this class, so the same
 * checkpoint and split read the same in either.
 */
final class EvaluationReport {
    private final Predictions predictions;
    private final Threshold threshold;
    private final List<String> genres;
    private final boolean[][] trainLabels;

    /** @param trainLabels the training split's labels, from which the baselines take their prior */
    EvaluationReport(Predictions predictions, Threshold threshold, List<String> genres, boolean[][] trainLabels) {
        this.predictions = predictions;
        this.threshold = threshold;
        this.genres = genres;
        this.trainLabels = trainLabels;
    }

    /** The threshold with the highest micro-F1 on the validation split's predictions. */
    static Threshold.Tuned tune(Predictions validation) {
        return Threshold.tune(validation.probabilities(), validation.truth());
    }

    /** The metrics with decisions at the report's threshold. */
    MetricsReport decided() {
        return predictions.metrics(genres, threshold.value());
    }

    /** The model rows (at 0.5 and the tuned threshold, or at the fixed one), then both baselines. */
    String table() {
        if (threshold instanceof Threshold.Tuned tuned) {
            return MetricsTable.atHalfAndTuned(predictions.metrics(genres), decided(), tuned, trainLabels, predictions.truth(), genres);
        }
        return MetricsTable.withBaselines("model, threshold " + threshold.label(), decided(), trainLabels, predictions.truth(),
                genres);
    }

    /** Precision, recall, F1 and AUC per genre at the report's threshold. */
    String perGenre() {
        return MetricsTable.perGenre(decided());
    }
}
