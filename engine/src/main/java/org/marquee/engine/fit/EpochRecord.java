package org.marquee.engine.fit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finished epoch: the mean training loss over its steps (with dropout, as trained), the
 * validation metrics afterwards (none without validation examples), whether it was the best so
 * far by the run's {@link Selection} and that metric's value, how long it took and how many
 * training examples a second it went through (both 0 for epochs read back from a log).
 *
 * @param epoch           the epoch's number, from 1
 * @param epochs          the run's number of epochs
 * @param trainLoss       the mean training loss over the epoch's steps
 * @param scores          the validation metrics by name, {@link Validator#LOSS} among them; empty without validation
 * @param best            whether the epoch was the best so far
 * @param score           the selection metric's value, NaN without validation
 * @param seconds         the epoch's wall-clock time, training and validation
 * @param examplesPerSecond training examples per second of the training part
 */
public record EpochRecord(int epoch, int epochs, double trainLoss, Map<String, Double> scores, boolean best, double score,
                          double seconds, double examplesPerSecond) {
    /**
     * Checks that the epoch is one of the run's and copies the scores, keeping their order.
     *
     * @param epoch this epoch, from 1
     * @param epochs the run's number of epochs
     * @param trainLoss the mean training loss over the epoch's steps
     * @param scores the validation metrics by name
     * @param best whether it was the best so far
     * @param score the selection metric's value
     * @param seconds how long the epoch took
     * @param examplesPerSecond training examples per second
     */
    public EpochRecord {
        if (epoch < 1 || epoch > epochs) throw new IllegalArgumentException("epoch " + epoch + " of " + epochs);
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /**
     * The validation loss after the epoch.
     *
     * @return the loss, NaN without validation examples
     */
    public double validationLoss() { return scores.getOrDefault(Validator.LOSS, Double.NaN); }

    /**
     * A validation metric by name.
     *
     * @param name the metric's name
     * @return its value, NaN when it was not measured
     */
    public double score(String name) { return scores.getOrDefault(name, Double.NaN); }
}
