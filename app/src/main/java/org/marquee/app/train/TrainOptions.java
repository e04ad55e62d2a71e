package org.marquee.app.train;

import org.marquee.engine.fit.LearningRateSchedule;
import java.nio.file.Path;
import org.marquee.engine.AdamConfig;

/**
 * How to train: epochs, batch size, Adam (learning rate, clip norm, weight decay), the seed that
 * fixes initialisation, shuffling, dropout and augmentation, early-stopping patience (0 = off),
 * the output folder, whether training posters are mirrored left-right at random ({@code flip}),
 * the other augmentations, the learning-rate schedule, the validation metric that selects the best
 * epoch and the decay of the weights' exponential moving average (0 = none). {@code flip} and
 * {@code augmentation.flip()} are kept equal: either one switches the flip on.
 */
public record TrainOptions(int epochs, int batchSize, AdamConfig adam, long seed, int patience, Path output, boolean flip,
                           Augmentation augmentation, LearningRateSchedule.Plan schedule, Selection selection, double emaDecay) {
    /** Best epoch by validation loss, no average of the weights. */
    public TrainOptions(int epochs, int batchSize, AdamConfig adam, long seed, int patience, Path output, boolean flip,
                        Augmentation augmentation, LearningRateSchedule.Plan schedule) {
        this(epochs, batchSize, adam, seed, patience, output, flip, augmentation, schedule, Selection.LOSS, 0);
    }

    /** Without flips. */
    public TrainOptions(int epochs, int batchSize, AdamConfig adam, long seed, int patience, Path output) {
        this(epochs, batchSize, adam, seed, patience, output, false);
    }

    /** Without augmentation other than the flip, at a constant learning rate. */
    public TrainOptions(int epochs, int batchSize, AdamConfig adam, long seed, int patience, Path output, boolean flip) {
        this(epochs, batchSize, adam, seed, patience, output, flip, Augmentation.none(), LearningRateSchedule.Plan.constant());
    }

    public TrainOptions {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1: " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1: " + batchSize);
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0 (0 = no early stopping): " + patience);
        if (adam == null) throw new IllegalArgumentException("Adam configuration is required");
        if (output == null) throw new IllegalArgumentException("output folder is required");
        if (augmentation == null) throw new IllegalArgumentException("augmentation is required (Augmentation.none() for none)");
        if (schedule == null) throw new IllegalArgumentException("schedule is required (Plan.constant() for none)");
        if (schedule.shape() == LearningRateSchedule.Shape.COSINE && schedule.warmupEpochs() >= epochs) {
            throw new IllegalArgumentException("--warmup-epochs (" + schedule.warmupEpochs() + ") must be fewer than --epochs (" + epochs + ")");
        }
        if (selection == null) throw new IllegalArgumentException("selection is required (Selection.LOSS for the loss)");
        if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), 0 = off: " + emaDecay);
        flip = flip || augmentation.flip();
        augmentation = augmentation.withFlip(flip);
    }

    /** These options selecting the best epoch by {@code s}. */
    public TrainOptions withSelection(Selection s) {
        return new TrainOptions(epochs, batchSize, adam, seed, patience, output, flip, augmentation, schedule, s, emaDecay);
    }

    /** These options keeping an exponential moving average of the weights with decay {@code d} (0 = none). */
    public TrainOptions withEma(double d) {
        return new TrainOptions(epochs, batchSize, adam, seed, patience, output, flip, augmentation, schedule, selection, d);
    }

    /**
     * These options as the training loop's: the checkpoints go to the output folder, augmentation
     * and positive weights are the poster compute's business, and the model ends with its last
     * epoch's weights (the best epoch's are in {@code best.ckpt}).
     */
    public org.marquee.engine.fit.FitOptions toFit(org.marquee.engine.fit.FitListener listener) {
        return new org.marquee.engine.fit.FitOptions(epochs, batchSize, adam, seed, patience, output, listener, schedule, emaDecay,
                selection.toFit(), null, null, false, org.marquee.engine.nn.LossFunction.SIGMOID_CROSS_ENTROPY);
    }

    /** Keras' Adam (beta1 0.9, beta2 0.999, epsilon 1e-7) with the given learning rate and clip norm. */
    public static AdamConfig adam(double learningRate, double clipNorm) {
        return AdamConfig.keras().withLearningRate(learningRate).withClipNorm(clipNorm);
    }
}
