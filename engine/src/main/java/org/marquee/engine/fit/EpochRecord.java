package org.marquee.engine.fit;

/**
 * One finished epoch of {@link Fit#fit}: the mean training loss over its steps (with dropout, as
 * trained), the validation loss afterwards (NaN without a validation set), whether that was the
 * best so far, and how long the epoch took (0 for epochs restored from a training state).
 *
 * @param epoch          the epoch's number, from 1
 * @param epochs         the run's number of epochs
 * @param trainLoss      the mean training loss over the epoch's steps
 * @param validationLoss the validation loss after it, NaN without validation examples
 * @param best           whether that was the lowest validation loss so far
 * @param seconds        the epoch's wall-clock time, 0 when restored
 */
public record EpochRecord(int epoch, int epochs, double trainLoss, double validationLoss, boolean best, double seconds) {
    /**
     * Checks that the epoch is one of the run's.
     *
     * @param epoch this epoch, from 1
     * @param epochs the run's number of epochs
     * @param trainLoss the mean training loss over the epoch's steps
     * @param validationLoss the validation loss after it, NaN without validation
     * @param best whether that was the lowest validation loss so far
     * @param seconds how long the epoch took, 0 when restored
     */
    public EpochRecord {
        if (epoch < 1 || epoch > epochs) throw new IllegalArgumentException("epoch " + epoch + " of " + epochs);
    }
}
