package org.marquee.app.train;

import java.nio.file.Path;
import org.marquee.engine.AdamConfig;

/**
 * How to train: epochs, batch size, Adam (learning rate, clip norm), the seed that fixes
 * initialisation, shuffling, dropout and flips, early-stopping patience (0 = off), the output
 * folder, and whether training posters are mirrored left-right at random ({@code flip}).
 */
public record TrainOptions(int epochs, int batchSize, AdamConfig adam, long seed, int patience, Path output, boolean flip) {
    /** Without flips. */
    public TrainOptions(int epochs, int batchSize, AdamConfig adam, long seed, int patience, Path output) {
        this(epochs, batchSize, adam, seed, patience, output, false);
    }

    public TrainOptions {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1: " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1: " + batchSize);
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0 (0 = no early stopping): " + patience);
        if (adam == null) throw new IllegalArgumentException("Adam configuration is required");
        if (output == null) throw new IllegalArgumentException("output folder is required");
    }

    /** Keras' Adam (beta1 0.9, beta2 0.999, epsilon 1e-7) with the given learning rate and clip norm. */
    public static AdamConfig adam(double learningRate, double clipNorm) {
        return AdamConfig.keras().withLearningRate(learningRate).withClipNorm(clipNorm);
    }
}
