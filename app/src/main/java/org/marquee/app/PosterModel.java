package org.marquee.app;

import org.marquee.engine.Backend;
import org.marquee.engine.nn.Sequential;

/**
 * The movie-poster genre CNN, layer for layer as the Keras original (11,172,443 parameters for
 * 3x224x224 input and 27 genres):
 *
 * <pre>
 *   conv2d(32, 3x3) relu  maxpool 2x2  dropout 0.25      (32, 222, 222) -> (32, 111, 111)
 *   conv2d(64, 3x3) relu  maxpool 2x2  dropout 0.25      (64, 109, 109) -> (64, 54, 54)
 *   conv2d(128, 3x3) relu maxpool 2x2  dropout 0.25      (128, 52, 52)  -> (128, 26, 26)
 *   flatten (86528)  dense(128) relu  dropout 0.5  dense(27)
 * </pre>
 * Each convolution, its ReLU and its pooling are built as one
 * {@link org.marquee.engine.nn.ConvBlock}, computed in one pass each way; the model still lists
 * them as the three Keras layers. The model outputs logits: training applies the fused sigmoid
 * cross-entropy to them, and inference applies a sigmoid to get per-genre probabilities.
 */
public final class PosterModel {
    /** Number of genre labels. */
    public static final int GENRES = 27;
    public static final int CHANNELS = 3, HEIGHT = 224, WIDTH = 224;
    /** Input shape of one poster, channel-first (3, 224, 224). Do not modify. */
    public static final int[] INPUT = {CHANNELS, HEIGHT, WIDTH};
    /**
     * The smallest poster side the layers accept: each block maps s to (s - 2) / 2, and the last
     * pooling needs a 2x2 window, so 22 -> 10 -> 4 -> 1 is the shortest chain.
     */
    public static final int MIN_IMAGE_SIZE = 22;

    private PosterModel() {}

    /** The full model: 3x224x224 posters, 27 genres. */
    public static Sequential build(Backend backend, long seed) {
        return build(backend, seed, HEIGHT, WIDTH, GENRES);
    }

    /** How a cluster's workers build this model's replicas (their weights are then replaced by the trained ones). */
    public static org.marquee.app.cluster.ModelRecipe recipe(long seed, int height, int width, int classes) {
        return backend -> build(backend, seed, height, width, classes);
    }

    /** The same layers for other poster sizes or label counts (smaller variants for tests and demos). */
    public static Sequential build(Backend backend, long seed, int height, int width, int classes) {
        return build(backend, seed, height, width, classes, false);
    }

    /**
     * The same model; with {@code inputGradient} its backward pass also computes dL/dx at the first
     * convolution, the gradient with respect to the poster's pixels ({@link Sequential#inputGradient()}),
     * which a saliency map shows. Training never needs it, so it is off otherwise.
     */
    public static Sequential build(Backend backend, long seed, int height, int width, int classes, boolean inputGradient) {
        Sequential.Builder builder = Sequential.builder(backend, CHANNELS, height, width);
        if (inputGradient) builder.withInputGradient();
        return builder
                .convBlock(32, 3).dropout(0.25)        // conv2d(32, 3x3) relu maxpool 2x2
                .convBlock(64, 3).dropout(0.25)
                .convBlock(128, 3).dropout(0.25)
                .flatten()
                .dense(128).relu().dropout(0.5)
                .dense(classes)
                .build(seed);
    }
}
