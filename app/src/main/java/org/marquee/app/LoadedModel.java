package org.marquee.app;

import java.io.IOException;
import java.nio.file.Path;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.ModelSpec;
import org.marquee.app.train.ModelState;
import org.marquee.engine.Backend;
import org.marquee.engine.nn.Sequential;

/**
 * A poster model rebuilt from a checkpoint's spec and loaded with its weights: the exponential
 * moving average of the weights when the checkpoint holds one ({@code averaged}), unless the
 * trained weights are asked for.
 */
public record LoadedModel(Checkpoint checkpoint, Sequential model, boolean averaged) implements AutoCloseable {
    /** With the average of the weights when the checkpoint holds one. */
    public static LoadedModel open(Path file, Backend backend) throws IOException {
        return open(file, backend, false);
    }

    /** @param rawWeights load the trained weights even when the checkpoint holds their average */
    public static LoadedModel open(Path file, Backend backend, boolean rawWeights) throws IOException {
        return open(file, backend, rawWeights, false);
    }

    /**
     * @param inputGradient build the model so that its backward pass also computes the gradient
     *                      with respect to the input pixels (for saliency maps)
     */
    public static LoadedModel open(Path file, Backend backend, boolean rawWeights, boolean inputGradient) throws IOException {
        Checkpoint c = CheckpointFile.read(file);
        ModelSpec spec = c.model();
        if (!ModelState.ARCHITECTURE.equals(spec.architecture())) {
            throw new IllegalArgumentException(file + " holds a '" + spec.architecture() + "' model, not " + ModelState.ARCHITECTURE);
        }
        Sequential model = PosterModel.build(backend, c.training().seed(), spec.height(), spec.width(), spec.classes(), inputGradient);
        boolean averaged;
        try {
            averaged = ModelState.restoreForInference(c, model, rawWeights);
        } catch (IllegalArgumentException e) {
            model.close();
            throw new org.marquee.engine.checkpoint.CheckpointException(file, e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new LoadedModel(c, model, averaged);
    }

    public int imageSize() { return checkpoint.model().height(); }

    /** How a cluster's workers build replicas of this model. */
    public org.marquee.app.cluster.ModelRecipe recipe() {
        var spec = checkpoint.model();
        return PosterModel.recipe(checkpoint.training().seed(), spec.height(), spec.width(), spec.classes());
    }

    /** The input normalization the model was trained with, or null when it had none. */
    public org.marquee.app.train.InputNormalization normalization() {
        return org.marquee.app.train.InputNormalization.from(checkpoint).orElse(null);
    }

    /**
     * Which weights were loaded, for the commands to print, e.g. "weights: the exponential moving
     * average (decay 0.999) the checkpoint holds; --raw-weights for the trained ones".
     */
    public String weightsLine() {
        if (averaged) {
            return "weights: the exponential moving average" + checkpoint.run().get("--ema").map(d -> " (decay " + d + ")").orElse("")
                    + " the checkpoint holds; --raw-weights for the trained ones";
        }
        return checkpoint.extra(org.marquee.engine.fit.WeightAverage.EMA).isPresent()
                ? "weights: the trained ones (--raw-weights), not the checkpoint's moving average" : null;
    }

    @Override
    public void close() { model.close(); }
}
