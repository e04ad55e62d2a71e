package org.marquee.engine.fit;

import java.nio.file.Path;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.OptimizerConfig;
import org.marquee.engine.SgdConfig;
import org.marquee.engine.nn.LossFunction;

/**
 * How {@link Fit} trains. {@link #defaults()} gives 10 epochs in batches of 32, Keras' Adam
 * (learning rate 1e-3), seed 1, a constant learning rate, no early stopping, no checkpoints, no
 * weight average, the best epoch by validation loss restored at the end, and a line per epoch on
 * standard output; each {@code with...} method changes one setting.
 *
 * @param epochs       the total number of epochs, counting those of a resumed run
 * @param batchSize    examples per training step (at most the training set's size is used)
 * @param optimizer    Adam ({@link AdamConfig}) or SGD with momentum ({@link SgdConfig}): the learning rate (the
 *                     schedule's peak), the global gradient clip norm (0 = off) and the decoupled weight decay
 *                     on kernels (AdamW; 0 = off)
 * @param seed         selects the order of every epoch, the dropout masks and any transform's draws
 * @param patience     stop after this many epochs without an improvement of the selection metric; 0 = never
 * @param checkpoints  the folder for {@code best.ckpt}, {@code last.ckpt} and {@code epochs.csv}, or null for none
 * @param listener     hears every step and epoch
 * @param schedule     the learning rate over the run: constant, or cosine after a linear warm-up
 * @param emaDecay     the decay of an exponential moving average of the weights, used for validation and
 *                     kept in checkpoints (0 = none)
 * @param selection    the validation metric that picks the best epoch and drives early stopping
 * @param transform    changes each training example before the model sees it (augmentation), or null for none
 * @param positiveWeights the weights of each output's positive examples in the loss, or null for the plain loss
 * @param restoreBest  with validation examples, leave the best epoch's weights in the model at the end
 *                     (as Keras' {@code restore_best_weights}); otherwise the last epoch's stay
 * @param loss         what training minimises on the model's outputs: the sigmoid cross-entropy (independent
 *                     yes/no labels), the softmax cross-entropy (one class of several) or the mean squared error
 */
public record FitOptions(int epochs, int batchSize, OptimizerConfig optimizer, long seed, int patience, Path checkpoints,
                         FitListener listener, LearningRateSchedule.Plan schedule, double emaDecay, Selection selection,
                         ExampleTransform transform, PositiveWeights positiveWeights, boolean restoreBest, LossFunction loss) {
    /**
     * Checks each setting's range, naming the one out of it.
     *
     * @param epochs the total number of epochs, at least 1
     * @param batchSize examples per training step, at least 1
     * @param optimizer the optimizer and its hyper-parameters
     * @param seed selects the order of every epoch and the dropout masks
     * @param patience epochs without improvement before stopping, 0 = never
     * @param checkpoints the checkpoint folder, or null
     * @param listener hears every step and epoch
     * @param schedule the learning rate over the run
     * @param emaDecay the weight average's decay in [0, 1), 0 = none
     * @param selection the metric that picks the best epoch
     * @param transform the per-example transform, or null
     * @param positiveWeights per-output weights of positive examples, or null
     * @param restoreBest whether the model ends with the best epoch's weights
     * @param loss what training minimises
     */
    public FitOptions {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1: " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        if (optimizer == null) throw new IllegalArgumentException("the optimizer must not be null (AdamConfig.keras() for Keras' Adam)");
        if (loss == null) throw new IllegalArgumentException("the loss must not be null");
        if (positiveWeights != null && loss != LossFunction.SIGMOID_CROSS_ENTROPY) {
            throw new IllegalArgumentException("positive weights apply to the sigmoid cross-entropy, not to " + loss);
        }
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0 (0 = no early stopping): " + patience);
        if (listener == null) throw new IllegalArgumentException("the listener must not be null (FitListener.SILENT says nothing)");
        if (schedule == null) throw new IllegalArgumentException("the schedule must not be null (LearningRateSchedule.Plan.constant() for none)");
        if (schedule.shape() == LearningRateSchedule.Shape.COSINE && schedule.warmupEpochs() >= epochs) {
            throw new IllegalArgumentException("the warm-up (" + schedule.warmupEpochs() + " epochs) must be shorter than the run (" + epochs + ")");
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("the weight average's decay must be in [0, 1), 0 = none: " + emaDecay);
        if (selection == null) throw new IllegalArgumentException("the selection must not be null (Selection.LOSS for the validation loss)");
    }

    /**
     * 10 epochs in batches of 32 with Keras' Adam, seed 1, a constant learning rate, no early
     * stopping, no checkpoints, no weight average, selection and restoring of the best epoch by
     * validation loss, a line per epoch on standard output.
     *
     * @return the default options
     */
    public static FitOptions defaults() {
        return new FitOptions(10, 32, AdamConfig.keras(), 1, 0, null, FitListener.printing(System.out), LearningRateSchedule.Plan.constant(),
                0, Selection.LOSS, null, null, true, LossFunction.SIGMOID_CROSS_ENTROPY);
    }

    /**
     * These options with another number of epochs.
     *
     * @param e the total number of epochs, at least 1
     * @return the new options
     */
    public FitOptions withEpochs(int e) {
        return new FitOptions(e, batchSize, optimizer, seed, patience, checkpoints, listener, schedule, emaDecay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options with another batch size.
     *
     * @param b examples per training step, at least 1
     * @return the new options
     */
    public FitOptions withBatchSize(int b) {
        return new FitOptions(epochs, b, optimizer, seed, patience, checkpoints, listener, schedule, emaDecay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options with other Adam hyper-parameters.
     *
     * @param a the configuration
     * @return the new options
     */
    public FitOptions withAdam(AdamConfig a) { return withOptimizer(a); }

    /**
     * These options with another optimizer: Adam ({@link AdamConfig}) or SGD with momentum ({@link SgdConfig}).
     *
     * @param a the optimizer's configuration
     * @return the new options
     */
    public FitOptions withOptimizer(OptimizerConfig a) {
        return new FitOptions(epochs, batchSize, a, seed, patience, checkpoints, listener, schedule, emaDecay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options with another learning rate (the schedule's peak), the rest of the optimizer unchanged.
     *
     * @param lr the step size, above 0
     * @return the new options
     */
    public FitOptions withLearningRate(double lr) { return withOptimizer(optimizer.withLearningRate(lr)); }

    /**
     * These options clipping the gradient to a global L2 norm.
     *
     * @param norm the largest norm, 0 = no clipping
     * @return the new options
     */
    public FitOptions withClipNorm(double norm) {
        return withOptimizer(optimizer instanceof AdamConfig a ? a.withClipNorm(norm) : ((SgdConfig) optimizer).withClipNorm(norm));
    }

    /**
     * These options with a decoupled weight decay on the kernels (AdamW).
     *
     * @param decay the decay per unit of learning rate, 0 = none
     * @return the new options
     */
    public FitOptions withWeightDecay(double decay) {
        return withOptimizer(optimizer instanceof AdamConfig a ? a.withWeightDecay(decay) : ((SgdConfig) optimizer).withWeightDecay(decay));
    }

    /**
     * These options with another seed for the epochs' order, the dropout masks and the transform's draws.
     *
     * @param s the seed
     * @return the new options
     */
    public FitOptions withSeed(long s) {
        return new FitOptions(epochs, batchSize, optimizer, s, patience, checkpoints, listener, schedule, emaDecay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options with early stopping after {@code p} epochs without an improvement of the selection metric.
     *
     * @param p the patience, 0 = never stop early
     * @return the new options
     */
    public FitOptions withPatience(int p) {
        return new FitOptions(epochs, batchSize, optimizer, seed, p, checkpoints, listener, schedule, emaDecay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options writing {@code best.ckpt}, {@code last.ckpt} and {@code epochs.csv} into {@code folder} after every epoch.
     *
     * @param folder the checkpoint folder, or null for none
     * @return the new options
     */
    public FitOptions withCheckpoints(Path folder) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, folder, listener, schedule, emaDecay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options reporting to another listener.
     *
     * @param l the listener, {@link FitListener#SILENT} for none
     * @return the new options
     */
    public FitOptions withListener(FitListener l) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, checkpoints, l, schedule, emaDecay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options with another learning-rate schedule.
     *
     * @param plan {@link LearningRateSchedule.Plan#constant()} or a cosine decay after a warm-up
     * @return the new options
     */
    public FitOptions withSchedule(LearningRateSchedule.Plan plan) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, checkpoints, listener, plan, emaDecay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options with a cosine decay of the learning rate to 1% of its peak after {@code warmupEpochs} of linear warm-up.
     *
     * @param warmupEpochs epochs of linear warm-up, fewer than the run's epochs
     * @return the new options
     */
    public FitOptions withCosineSchedule(int warmupEpochs) {
        return withSchedule(new LearningRateSchedule.Plan(LearningRateSchedule.Shape.COSINE, warmupEpochs));
    }

    /**
     * These options keeping an exponential moving average of the weights, which validation, the
     * best epoch and the checkpoints use.
     *
     * @param decay the decay in [0, 1), e.g. 0.999; 0 = none
     * @return the new options
     */
    public FitOptions withWeightAverage(double decay) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, checkpoints, listener, schedule, decay, selection, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options picking the best epoch (and stopping early) by another validation metric.
     *
     * @param s the selection
     * @return the new options
     */
    public FitOptions withSelection(Selection s) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, checkpoints, listener, schedule, emaDecay, s, transform, positiveWeights, restoreBest, loss);
    }

    /**
     * These options transforming each training example before the model sees it.
     *
     * @param t the transform, or null for none
     * @return the new options
     */
    public FitOptions withTransform(ExampleTransform t) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, checkpoints, listener, schedule, emaDecay, selection, t, positiveWeights, restoreBest, loss);
    }

    /**
     * These options weighing each output's positive examples in the loss ({@link PositiveWeights}).
     *
     * @param w the weights, or null for the plain loss
     * @return the new options
     */
    public FitOptions withPositiveWeights(PositiveWeights w) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, checkpoints, listener, schedule, emaDecay, selection, transform, w, restoreBest, loss);
    }

    /**
     * These options leaving the best epoch's weights in the model at the end (true), or the last epoch's (false).
     *
     * @param restore whether to restore the best epoch's weights
     * @return the new options
     */
    public FitOptions withRestoreBest(boolean restore) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, checkpoints, listener, schedule, emaDecay, selection, transform, positiveWeights, restore, loss);
    }

    /**
     * These options minimising another loss.
     *
     * @param l the loss
     * @return the new options
     */
    public FitOptions withLoss(LossFunction l) {
        return new FitOptions(epochs, batchSize, optimizer, seed, patience, checkpoints, listener, schedule, emaDecay, selection, transform, positiveWeights, restoreBest, l);
    }
}
