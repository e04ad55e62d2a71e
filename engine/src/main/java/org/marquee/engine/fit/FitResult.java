package org.marquee.engine.fit;

import java.util.List;

/**
 * What {@link Fit#fit} did: every epoch's losses (those of a resumed run's earlier epochs too),
 * the epoch of the lowest validation loss (0 without a validation set) and whether it stopped
 * early for lack of improvement.
 */
public record FitResult(List<EpochRecord> history, int bestEpoch, double bestValidationLoss, boolean stoppedEarly) {
    public FitResult {
        history = List.copyOf(history);
    }

    /** The last epoch's record. */
    public EpochRecord last() {
        if (history.isEmpty()) throw new IllegalStateException("no epoch was run");
        return history.get(history.size() - 1);
    }

    /** The epochs' mean training losses, first to last. */
    public double[] trainLosses() { return history.stream().mapToDouble(EpochRecord::trainLoss).toArray(); }

    /** The epochs' validation losses, first to last (NaN without a validation set). */
    public double[] validationLosses() { return history.stream().mapToDouble(EpochRecord::validationLoss).toArray(); }
}
