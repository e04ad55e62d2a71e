package org.marquee.engine.fit;

import java.nio.file.Path;
import org.marquee.engine.AdamConfig;

/**
 * How {@link Fit#fit} trains. {@link #defaults()} gives 10 epochs in batches of 32, Keras' Adam
 * (learning rate 1e-3), seed 1, no early stopping, no checkpoints and a line per epoch on standard
 * output; the {@code with...} methods change one setting each.
 *
 * @param epochs      the total number of epochs, counting those of a resumed run
 * @param batchSize   examples per training step (at most the training set's size is used)
 * @param adam        the optimizer's hyper-parameters (a weight decay applies to the kernels only)
 * @param seed        selects the order of every epoch and the dropout masks
 * @param patience    stop after this many epochs without a lower validation loss; 0 = never
 * @param checkpoints the folder for {@code best.weights} and {@code last.state}, or null for none
 * @param listener    hears every step and epoch
 */
public record FitOptions(int epochs, int batchSize, AdamConfig adam, long seed, int patience, Path checkpoints,
                         FitListener listener) {
    /**
     * Checks each setting's range, naming the one out of it.
     *
     * @param epochs the total number of epochs, at least 1
     * @param batchSize examples per training step, at least 1
     * @param adam the optimizer's hyper-parameters
     * @param seed selects the order of every epoch and the dropout masks
     * @param patience epochs without improvement before stopping, 0 = never
     * @param checkpoints the checkpoint folder, or null
     * @param listener hears every step and epoch
     */
    public FitOptions {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1: " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        if (adam == null) throw new IllegalArgumentException("the Adam configuration must not be null");
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0 (0 = no early stopping): " + patience);
        if (listener == null) throw new IllegalArgumentException("the listener must not be null (FitListener.SILENT says nothing)");
    }

    /**
     * 10 epochs in batches of 32 with Keras' Adam, seed 1, no early stopping, no checkpoints, a line per epoch on standard output.
     *
     * @return the default options
     */
    public static FitOptions defaults() {
        return new FitOptions(10, 32, AdamConfig.keras(), 1, 0, null, FitListener.printing(System.out));
    }

    /**
     * These options with another number of epochs.
     *
     * @param e the total number of epochs, at least 1
     * @return the new options
     */
    public FitOptions withEpochs(int e) { return new FitOptions(e, batchSize, adam, seed, patience, checkpoints, listener); }
    /**
     * These options with another batch size.
     *
     * @param b examples per training step, at least 1
     * @return the new options
     */
    public FitOptions withBatchSize(int b) { return new FitOptions(epochs, b, adam, seed, patience, checkpoints, listener); }
    /**
     * These options with other Adam hyper-parameters.
     *
     * @param a the configuration
     * @return the new options
     */
    public FitOptions withAdam(AdamConfig a) { return new FitOptions(epochs, batchSize, a, seed, patience, checkpoints, listener); }
    /**
     * These options with another Adam learning rate, the rest of Adam unchanged.
     *
     * @param lr the step size, above 0
     * @return the new options
     */
    public FitOptions withLearningRate(double lr) { return withAdam(adam.withLearningRate(lr)); }
    /**
     * These options with another seed for the epochs' order and the dropout masks.
     *
     * @param s the seed
     * @return the new options
     */
    public FitOptions withSeed(long s) { return new FitOptions(epochs, batchSize, adam, s, patience, checkpoints, listener); }
    /**
     * These options with early stopping after {@code p} epochs without a lower validation loss.
     *
     * @param p the patience, 0 = never stop early
     * @return the new options
     */
    public FitOptions withPatience(int p) { return new FitOptions(epochs, batchSize, adam, seed, p, checkpoints, listener); }
    /**
     * These options writing {@code best.weights} and {@code last.state} into {@code folder} after every epoch.
     *
     * @param folder the checkpoint folder, or null for none
     * @return the new options
     */
    public FitOptions withCheckpoints(Path folder) { return new FitOptions(epochs, batchSize, adam, seed, patience, folder, listener); }
    /**
     * These options reporting to another listener.
     *
     * @param l the listener, {@link FitListener#SILENT} for none
     * @return the new options
     */
    public FitOptions withListener(FitListener l) { return new FitOptions(epochs, batchSize, adam, seed, patience, checkpoints, l); }
}
