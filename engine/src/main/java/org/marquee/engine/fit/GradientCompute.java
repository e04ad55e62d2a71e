package org.marquee.engine.fit;

/**
 * Where the arithmetic of a training step runs: it turns one batch into the gradient in the
 * model's {@link org.marquee.engine.nn.Sequential#gradients()} and returns the batch's mean loss.
 * The loop owns everything else (the order, the optimizer, the schedule, the checkpoints). The
 * default runs the model on its own backend over {@link Examples}; the poster application reads,
 * augments and normalizes posters on a background thread; the Spark module splits each batch into
 * shards that replicas compute on a cluster, leaving the same gradient to float rounding.
 */
public interface GradientCompute extends AutoCloseable {
    /**
     * Leaves in the model's gradients the gradient of the mean loss over the training examples
     * {@code order[from .. from + batch)}, as seen at {@code step} (its dropout masks and any
     * per-example transform), and returns that mean loss.
     *
     * @param order the epoch's visiting order
     * @param from the first position of this batch in {@code order}
     * @param step the run's step counter
     * @return the mean loss over the batch
     */
    double gradient(int[] order, int from, long step);

    /** Releases what the compute holds. */
    @Override
    void close();
}
