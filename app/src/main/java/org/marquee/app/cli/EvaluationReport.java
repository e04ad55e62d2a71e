package org.marquee.app.cli;

import java.util.List;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.metrics.MetricsReport;
import org.marquee.app.metrics.MetricsTable;
import org.marquee.app.metrics.Threshold;
import org.marquee.app.train.Predictions;

/**
 * A split's scores as {@code train} ends and {@code evaluate} prints them: the model beside the
 * trivial baselines, at 0.5 and with the {@link DecisionRule}, at 0.5 and at a threshold tuned on
 * the validation split, or at one fixed threshold; and per genre with the rule or at that threshold. Both commands print through this class, so the same
 * checkpoint and split read the same in either.
 */
final class EvaluationReport {
    private final Predictions predictions;
    private final Threshold threshold;   // null with a rule
    private final DecisionRule rule;     // null with a threshold
    private final List<String> genres;
    private final boolean[][] trainLabels;

    /** @param trainLabels the training split's labels, from which the baselines take their prior */
    EvaluationReport(Predictions predictions, Threshold threshold, List<String> genres, boolean[][] trainLabels) {
        this(predictions, threshold, null, genres, trainLabels);
    }

    /** Scores decided by {@code rule}, shown beside the plain rule at 0.5. */
    EvaluationReport(Predictions predictions, DecisionRule rule, List<String> genres, boolean[][] trainLabels) {
        this(predictions, null, rule, genres, trainLabels);
    }

    private EvaluationReport(Predictions predictions, Threshold threshold, DecisionRule rule, List<String> genres,
                             boolean[][] trainLabels) {
        if ((threshold == null) == (rule == null)) throw new IllegalArgumentException("a report needs a threshold or a rule");
        this.predictions = predictions;
        this.threshold = threshold;
        this.rule = rule;
        this.genres = genres;
        this.trainLabels = trainLabels;
    }

    /** The decision rule tuned on the validation split's predictions. */
    static DecisionRule tuneRule(Predictions validation) {
        return DecisionRule.tune(validation.probabilities(), validation.truth());
    }

    /** The threshold with the highest micro-F1 on the validation split's predictions. */
    static Threshold.Tuned tune(Predictions validation) {
        return Threshold.tune(validation.probabilities(), validation.truth());
    }

    /** The metrics with the report's decisions: its rule, or its threshold. */
    MetricsReport decided() {
        if (rule != null) return rule.metrics(predictions.probabilities(), predictions.truth(), genres);
        return predictions.metrics(genres, threshold.value());
    }

    /** The model rows (at 0.5 and with the rule, at 0.5 and the tuned threshold, or at the fixed one), then both baselines. */
    String table() {
        if (rule != null) {
            return MetricsTable.withBaselines(List.of("model, threshold 0.50", RULE_ROW), List.of(predictions.metrics(genres), decided()),
                    trainLabels, predictions.truth(), genres);
        }
        if (threshold instanceof Threshold.Tuned tuned) {
            return MetricsTable.atHalfAndTuned(predictions.metrics(genres), decided(), tuned, trainLabels, predictions.truth(), genres);
        }
        return MetricsTable.withBaselines("model, threshold " + threshold.label(), decided(), trainLabels, predictions.truth(),
                genres);
    }

    /** The name of the decision rule's row. */
    static final String RULE_ROW = "model, decision rule";

    /** Precision, recall, F1 and AUC per genre with the report's decisions. */
    String perGenre() {
        return MetricsTable.perGenre(decided());
    }
}
