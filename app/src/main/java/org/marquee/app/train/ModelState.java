package org.marquee.app.train;

import org.marquee.engine.fit.WeightAverage;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.marquee.app.checkpoint.Checkpoint;
import org.marquee.app.checkpoint.ModelSpec;
import org.marquee.app.checkpoint.NamedArray;
import org.marquee.app.checkpoint.RunSettings;
import org.marquee.app.checkpoint.TrainingState;
import org.marquee.engine.Precision;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.Sequential;

/** Moves a model's parameters and Adam's state to and from {@link Checkpoint}s. */
public final class ModelState {
    public static final String ARCHITECTURE = "poster-cnn";

    private ModelState() {}

    /** The spec of a poster model: its input (C, H, W), outputs and every layer. */
    public static ModelSpec spec(Sequential model) {
        int[] in = model.inputShape();
        int classes = model.outputShape()[0];
        String layers = model.layers().stream().map(ModelState::describe).collect(Collectors.joining("\n"));
        return new ModelSpec(ARCHITECTURE, in[0], in[1], in[2], classes, model.parameterCount(), layers);
    }

    private static String describe(Layer l) {
        return l.name() + " " + l.type() + " " + Arrays.toString(l.outputShape()) + " " + l.parameterCount();
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
        Checkpoint.Precision p = precision(model);
        double[] w = model.parameters().toDoubles();
        if (adam == null) return new Checkpoint(spec(model), genres, training, p, w, 0, null, null, run, extras);
        return new Checkpoint(spec(model), genres, training, p, w, adam.iterations(), adam.m().toDoubles(), adam.v().toDoubles(),
                run, extras);
    }

    /** The precision a checkpoint of {@code model} stores its arrays in: that of its backend, exactly. */
    public static Checkpoint.Precision precision(Sequential model) {
        return model.backend().precision() == Precision.FLOAT64 ? Checkpoint.Precision.FLOAT64 : Checkpoint.Precision.FLOAT32;
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

    /** Where two specs with the same headline differ: the first layer line that is not the same. */
    static String firstDifference(ModelSpec checkpoint, ModelSpec model) {
        String[] a = checkpoint.layers().split("\n", -1);
        String[] b = model.layers().split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i].strip() : "(none)";
            String y = i < b.length ? b[i].strip() : "(none)";
            if (!x.equals(y)) {
                return "layer " + (i + 1) + " differs: the checkpoint says \"" + x + "\", the model has \"" + y + "\""
                        + " (the checkpoint's own description is inconsistent: its input size or layers were altered, or another build wrote it)";
            }
        }
        return "the layer descriptions differ in spacing only";
    }

    /**
     * Loads the checkpoint's parameters into {@code model} (and Adam's state into {@code adam}, if
     * given). A checkpoint holding a NaN or infinity is refused, naming the tensor that holds it.
     */
    public static void restore(Checkpoint c, Sequential model, Adam adam) {
        ModelSpec mine = spec(model);
        if (!mine.equals(c.model())) {
            throw new IllegalArgumentException("the checkpoint holds " + c.model().headline() + " but the model is " + mine.headline()
                    + (mine.headline().equals(c.model().headline()) ? "; " + firstDifference(c.model(), mine)
                    : mine.parameterCount() == c.model().parameterCount() ? " (layers differ)" : ""));
        }
        nonFinite(c, model).ifPresent(where -> {
            throw new IllegalArgumentException("the checkpoint is unusable: " + where);
        });
        model.backend().upload(model.parameters(), c.weights());
        if (adam != null) {
            if (!c.hasOptimizerState()) throw new IllegalArgumentException("the checkpoint has no optimizer state to resume from");
            model.backend().upload(adam.m(), c.adamM());
            model.backend().upload(adam.v(), c.adamV());
            adam.setIterations(c.adamT());
        }
        model.setStep(c.training().step());
    }

    /**
     * Where the checkpoint holds a value that is not finite, in words that name the tensor
     * ({@code "conv2d_1/kernel[17] is NaN (weights)"}), or empty when every value is finite.
     */
    public static java.util.Optional<String> nonFinite(Checkpoint c, Sequential model) {
        return c.firstNonFinite().map(f -> {
            String where = f.array() + "[" + f.index() + "]";
            if (f.inParameterLayout()) {
                long base = model.parameters().offset();
                for (Parameter p : model.namedParameters()) {
                    long start = p.value().offset() - base;
                    if (f.index() >= start && f.index() < start + p.value().size()) {
                        where = p.name() + "[" + (f.index() - start) + "] (" + f.array() + ")";
                        break;
                    }
                }
            }
            return where + " is " + f.value();
        });
    }
}
