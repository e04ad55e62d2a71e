package org.marquee.engine.fit;

import java.util.List;

/**
 * What {@link Fit#fit} did: every epoch's losses (those of a resumed run's earlier epochs too),
 * the epoch of the lowest validation loss (0 without a validation set) and whether it stopped
 * early for lack of improvement.
 *
 * @param history            every epoch, in order
 * @param bestEpoch          the epoch of the lowest validation loss, 0 without validation examples
 * @param bestValidationLoss that loss
 * @param stoppedEarly       whether training stopped before its last epoch for lack of improvement
 */
public record FitResult(List<EpochRecord> history, int bestEpoch, double bestValidationLoss, boolean stoppedEarly) {
    /**
     * Copies the history.
     *
     * @param history every epoch's record, first to last
     * @param bestEpoch the epoch of the lowest validation loss, 0 without validation
     * @param bestValidationLoss that loss (NaN without validation)
     * @param stoppedEarly whether training stopped for lack of improvement
     */
    public FitResult {
        history = List.copyOf(history);
    }

    /**
     * The last epoch's record.
     *
     * @return the record of the last epoch trained
     */
    public EpochRecord last() {
        if (history.isEmpty()) throw new IllegalStateException("no epoch was run");
        return history.get(history.size() - 1);
    }

    /**
     * The epochs' mean training losses, first to last.
     *
     * @return one loss per epoch
     */
    public double[] trainLosses() { return history.stream().mapToDouble(EpochRecord::trainLoss).toArray(); }

    /**
     * The epochs' validation losses, first to last (NaN without a validation set).
     *
     * @return one loss per epoch
     */
    public double[] validationLosses() { return history.stream().mapToDouble(EpochRecord::validationLoss).toArray(); }
}
