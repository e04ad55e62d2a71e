package org.marquee.engine.fit;

/**
 * Which validation metric picks the best epoch and drives early stopping: one of the metrics a
 * {@link Validator} returns, by name, lowest or highest wins. A metric that is not a number never
 * counts as an improvement.
 *
 * @param metric   the name of the metric in the validator's scores ({@link Validator#LOSS} for the loss)
 * @param maximize whether higher is better
 * @param label    how reports name it, e.g. "validation loss"
 */
public record Selection(String metric, boolean maximize, String label) {
    /** The validation loss, lowest wins: what {@link FitOptions#defaults()} selects by. */
    public static final Selection LOSS = new Selection(Validator.LOSS, false, "validation loss");

    /**
     * Checks that the metric and label are named.
     *
     * @param metric the metric's name in the scores
     * @param maximize whether higher is better
     * @param label how reports name it
     */
    public Selection {
        if (metric == null || metric.isBlank()) throw new IllegalArgumentException("the selection's metric must be named");
        if (label == null || label.isBlank()) label = metric;
    }

    /**
     * A metric where higher is better, such as an F1 or a mean average precision.
     *
     * @param metric the metric's name in the scores
     * @return the selection
     */
    public static Selection highest(String metric) { return new Selection(metric, true, "validation " + metric); }

    /**
     * A metric where lower is better, such as a loss or an error rate.
     *
     * @param metric the metric's name in the scores
     * @return the selection
     */
    public static Selection lowest(String metric) { return new Selection(metric, false, "validation " + metric); }

    /**
     * The best value before any epoch: +infinity when lower wins, -infinity when higher wins.
     *
     * @return the value every real score beats
     */
    public double initial() { return maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; }

    /**
     * Whether {@code score} beats {@code best} (never when it is NaN).
     *
     * @param score this epoch's value
     * @param best the best value so far
     * @return whether this epoch is better
     */
    public boolean better(double score, double best) {
        return maximize ? score > best : score < best;
    }
}
