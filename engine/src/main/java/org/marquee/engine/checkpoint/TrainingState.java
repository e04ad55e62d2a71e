package org.marquee.engine.checkpoint;

/**
 * Where training stood when a checkpoint was written, enough to continue exactly.
 *
 * @param seed             the run's seed (initialisation, shuffling, dropout)
 * @param epoch            epochs completed
 * @param step             optimizer steps completed (also the dropout step counter)
 * @param bestScore        the best value so far of the validation metric that selects the best epoch
 *                         ({@code --select}: the lowest loss, or the highest micro-F1 or mAP); +infinity
 *                         before the first epoch of a run selecting by loss, -infinity for the others
 * @param bestEpoch        the epoch that reached it (0 before the first)
 * @param staleEpochs      epochs since the last improvement, for early stopping
 * @param log              the epoch log (CSV text) up to {@code epoch}
 */
public record TrainingState(long seed, int epoch, long step, double bestScore, int bestEpoch, int staleEpochs,
                            String log) {
    /**
     * Checks the counters.
     *
     * @throws IllegalArgumentException when a counter is negative or the best score is NaN
     *
     * @param seed the record component of that name
     * @param epoch the record component of that name
     * @param step the record component of that name
     * @param bestScore the record component of that name
     * @param bestEpoch the record component of that name
     * @param staleEpochs the record component of that name
     * @param log the record component of that name
     */
    public TrainingState {
        if (epoch < 0 || step < 0 || bestEpoch < 0 || staleEpochs < 0) {
            throw new IllegalArgumentException("negative counter in training state: epoch " + epoch + ", step " + step);
        }
        if (Double.isNaN(bestScore)) throw new IllegalArgumentException("best validation score is NaN");
        log = log == null ? "" : log;
    }

    /**
     * This state with another best score and no stale epochs (after the selecting metric changed).
     *
     * @param score the best score
     * @return the new state
     */
    public TrainingState withBestScore(double score) {
        return new TrainingState(seed, epoch, step, score, bestEpoch, 0, log);
    }

    /**
     * The state before the first epoch of a run selecting by loss.
     *
     * @param seed the run's seed
     * @return the state
     */
    public static TrainingState initial(long seed) {
        return new TrainingState(seed, 0, 0, Double.POSITIVE_INFINITY, 0, 0, "");
    }
}
