package org.marquee.engine.fit;

import java.util.List;
import org.marquee.engine.checkpoint.TrainingState;

/**
 * What a run of {@link Fit} did: every epoch's record (those of a resumed run's earlier epochs
 * too), the best epoch by the run's {@link Selection} (0 without validation) and its score,
 * whether it stopped early for lack of improvement, and which epoch's weights the model was left
 * with when they are not the last epoch's.
 *
 * @param history       every epoch, in order
 * @param bestEpoch     the best epoch, 0 without validation examples
 * @param bestScore     its selection metric (the validation loss unless another was selected), NaN without validation
 * @param stoppedEarly  whether training stopped before its last epoch for lack of improvement
 * @param restoredEpoch the epoch whose weights (the weight average's, when one is kept) the model
 *                      holds at the end, 0 when it holds the last epoch's trained weights
 * @param state         the state the run ended in (what {@link Fit#LAST} holds)
 */
public record FitResult(List<EpochRecord> history, int bestEpoch, double bestScore, boolean stoppedEarly, int restoredEpoch,
                        TrainingState state) {
    /**
     * Copies the history.
     *
     * @param history every epoch's record, first to last
     * @param bestEpoch the best epoch, 0 without validation
     * @param bestScore its selection metric (NaN without validation)
     * @param stoppedEarly whether training stopped for lack of improvement
     * @param restoredEpoch the epoch whose weights the model holds, 0 for the last trained ones
     * @param state the state the run ended in
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
     * The validation loss of the best epoch.
     *
     * @return that loss, NaN without validation
     */
    public double bestValidationLoss() {
        return bestEpoch == 0 || bestEpoch > history.size() ? Double.NaN : history.get(bestEpoch - 1).validationLoss();
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
