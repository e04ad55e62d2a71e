package org.marquee.app.train;

import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.metrics.MetricsReport;

/**
 * Which validation metric picks the best epoch ({@code best.ckpt}) and drives early stopping
 * ({@code train --select}): the loss, lowest wins; the micro-F1 of the {@link DecisionRule} tuned on
 * the validation split at that epoch (the full rule, per-genre thresholds included), highest wins;
 * or the mean average precision, highest wins. A metric that is not a number (mAP of a split with
 * no positives) never counts as an improvement.
 */
public enum Selection {
    LOSS("loss", false), MICRO_F1("micro-f1", true), MAP("map", true);

    /** The value of {@code --select}. */
    public final String option;
    /** Whether higher is better. */
    public final boolean maximize;

    Selection(String option, boolean maximize) {
        this.option = option;
        this.maximize = maximize;
    }

    /** Parses {@code --select}'s value. */
    public static Selection parse(String text) {
        for (Selection s : values()) if (s.option.equals(text)) return s;
        throw new IllegalArgumentException("--select must be loss, micro-f1 or map, not '" + text + "'");
    }

    /** The best value before any epoch: +infinity for the loss, -infinity for the others. */
    public double initial() { return maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; }

    /** Whether {@code score} beats {@code best}. */
    public boolean better(double score, double best) {
        return maximize ? score > best : score < best;
    }

    /** This metric of one epoch's validation predictions, whose metrics at 0.5 are {@code m}. */
    public double score(Predictions validation, MetricsReport m) {
        return switch (this) {
            case LOSS -> validation.loss();
            case MAP -> m.meanAveragePrecision();
            case MICRO_F1 -> DecisionRule.tune(validation.probabilities(), validation.truth())
                    .microF1(validation.probabilities(), validation.truth());
        };
    }

    /** The training loop's selection: the metric by its name among {@link Trainer}'s validation scores. */
    public org.marquee.engine.fit.Selection toFit() {
        return switch (this) {
            case LOSS -> new org.marquee.engine.fit.Selection(org.marquee.engine.fit.Validator.LOSS, false, label());
            case MICRO_F1 -> new org.marquee.engine.fit.Selection(Trainer.RULE_MICRO_F1, true, label());
            case MAP -> new org.marquee.engine.fit.Selection("val_map", true, label());
        };
    }

    /** How reports name it. */
    public String label() {
        return switch (this) {
            case LOSS -> "validation loss";
            case MICRO_F1 -> "validation micro-F1 of the decision rule";
            case MAP -> "validation mAP";
        };
    }
}
