package org.marquee.engine.fit;

import java.util.List;
import java.util.Map;
import org.marquee.engine.nn.Sequential;

/**
 * Scores the model on the validation examples after each epoch: the validation loss under
 * {@link #LOSS} and any further metrics by name. The metrics named by {@link #columns()} are logged
 * (in {@code epochs.csv} and the checkpoints' epoch log), in that order; any metric returned may
 * select the best epoch ({@link FitOptions#selection()}).
 */
@FunctionalInterface
public interface Validator {
    /** The name of the validation loss in the scores and the log. */
    String LOSS = "val_loss";

    /**
     * Scores the model, in inference mode, on the validation examples.
     *
     * @param model the model with the weights to score (the weight average's, when one is kept)
     * @return the metrics by name, {@link #LOSS} among them
     */
    Map<String, Double> validate(Sequential model);

    /**
     * The metrics the epoch log records, in order.
     *
     * @return the names; by default only the loss
     */
    default List<String> columns() { return List.of(LOSS); }

    /**
     * The mean sigmoid cross-entropy on {@code examples} ({@link Fit#evaluate}), as {@link #LOSS}.
     *
     * @param examples the validation examples
     * @param batchSize the examples per forward pass
     * @return the validator
     */
    static Validator loss(Examples examples, int batchSize) {
        return loss(examples, batchSize, org.marquee.engine.nn.LossFunction.SIGMOID_CROSS_ENTROPY);
    }

    /**
     * The mean of {@code loss} on {@code examples} ({@link Fit#evaluate(Sequential, Examples, int, org.marquee.engine.nn.LossFunction)}), as {@link #LOSS}.
     *
     * @param examples the validation examples
     * @param batchSize the examples per forward pass
     * @param loss the loss the model is trained with
     * @return the validator
     */
    static Validator loss(Examples examples, int batchSize, org.marquee.engine.nn.LossFunction loss) {
        return model -> Map.of(LOSS, Fit.evaluate(model, examples, batchSize, loss));
    }

    /**
     * This validator with one more metric, computed on the model after this one's, and logged.
     *
     * @param name the metric's name
     * @param metric computes it from the model (in inference mode)
     * @return the validator
     */
    default Validator and(String name, java.util.function.ToDoubleFunction<Sequential> metric) {
        Validator first = this;
        List<String> columns = new java.util.ArrayList<>(first.columns());
        columns.add(name);
        return new Validator() {
            @Override
            public Map<String, Double> validate(Sequential model) {
                Map<String, Double> scores = new java.util.LinkedHashMap<>(first.validate(model));
                scores.put(name, metric.applyAsDouble(model));
                return scores;
            }

            @Override
            public List<String> columns() { return List.copyOf(columns); }
        };
    }
}
