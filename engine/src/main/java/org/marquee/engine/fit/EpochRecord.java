package org.marquee.engine.fit;

/**
 * One finished epoch of {@link Fit#fit}: the mean training loss over its steps (with dropout, as
 * trained), the validation loss afterwards (NaN without a validation set), whether that was the
 * best so far, and how long the epoch took (0 for epochs restored from a training state).
 */
public record EpochRecord(int epoch, int epochs, double trainLoss, double validationLoss, boolean best, double seconds) {
    public EpochRecord {
        if (epoch < 1 || epoch > epochs) throw new IllegalArgumentException("epoch " + epoch + " of " + epochs);
    }
}
