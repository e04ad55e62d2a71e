package org.marquee.app.train;

import java.util.List;
import org.marquee.engine.fit.WeightAverage;
import java.util.Optional;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.Checkpoints;
import org.marquee.engine.checkpoint.ModelSpec;
import org.marquee.engine.checkpoint.NamedArray;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;

/**
 * The poster model's checkpoints: {@link Checkpoints} under the architecture name
 * {@value #ARCHITECTURE}, and loading the weight average to predict with.
 */
public final class ModelState {
    public static final String ARCHITECTURE = "poster-cnn";

    private ModelState() {}

    /** The spec of a poster model: its input (C, H, W), outputs, every layer and parameter tensor. */
    public static ModelSpec spec(Sequential model) {
        return Checkpoints.spec(ARCHITECTURE, model);
    }

    /**
     * A checkpoint of the model (and of Adam when {@code adam} is not null), in the backend's
     * precision: 8-byte doubles from a float64 backend, 4-byte floats otherwise; both are exact.
     */
    public static Checkpoint snapshot(Sequential model, Adam adam, List<String> genres, TrainingState training) {
        return snapshot(model, adam, genres, training, RunSettings.NONE, List.of());
    }

    /** As above, recording the run's settings and extra arrays. */
    public static Checkpoint snapshot(Sequential model, Adam adam, List<String> genres, TrainingState training,
                                      RunSettings run, List<NamedArray> extras) {
        return Checkpoints.snapshot(ARCHITECTURE, model, adam, genres, training, run, extras);
    }

    /** The precision a checkpoint of {@code model} stores its arrays in: that of its backend, exactly. */
    public static Checkpoint.Precision precision(Sequential model) {
        return Checkpoints.precision(model);
    }

    /**
     * Loads the checkpoint's weights into {@code model} to predict with: the average of the weights
     * ({@value WeightAverage#EMA}) when the checkpoint holds one and {@code rawWeights} is false,
     * otherwise the trained weights. Returns whether the average was loaded.
     */
    public static boolean restoreForInference(Checkpoint c, Sequential model, boolean rawWeights) {
        restore(c, model, null);
        var ema = c.extra(WeightAverage.EMA);
        if (rawWeights || ema.isEmpty()) return false;
        if (ema.get().values().length != model.parameterCount()) {
            throw new IllegalArgumentException("the checkpoint's " + WeightAverage.EMA + " holds " + ema.get().values().length
                    + " values for " + model.parameterCount() + " parameters");
        }
        model.backend().upload(model.parameters(), ema.get().values());
        return true;
    }

    /**
     * Loads the checkpoint's parameters into {@code model} (and Adam's state into {@code adam}, if
     * given). A checkpoint of another model or holding a NaN or infinity is refused, naming the
     * first difference or the tensor.
     */
    public static void restore(Checkpoint c, Sequential model, Adam adam) {
        Checkpoints.restore(c, model, adam);
    }

    /**
     * Where the checkpoint holds a value that is not finite, in words that name the tensor
     * ({@code "conv2d_1/kernel[17] (weights) is NaN"}), or empty when every value is finite.
     */
    public static Optional<String> nonFinite(Checkpoint c, Sequential model) {
        return Checkpoints.nonFinite(c, model);
    }
}
