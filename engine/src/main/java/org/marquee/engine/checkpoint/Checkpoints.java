package org.marquee.engine.checkpoint;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.marquee.engine.Precision;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Optimizer;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.Sequential;

/**
 * Moves any {@link Sequential}'s parameters, and an {@link Adam}'s state, to and from
 * {@link Checkpoint}s: a snapshot with the optimizer is a full training checkpoint, one without is
 * a weights-only file.
 */
public final class Checkpoints {
    /** The architecture name a snapshot records unless it is given another. */
    public static final String SEQUENTIAL = "sequential";

    private Checkpoints() {}

    /**
     * The spec of {@code model}: its input shape, outputs, every layer and every parameter tensor.
     *
     * @param architecture the architecture name to record
     * @param model the model
     * @return its spec
     */
    public static ModelSpec spec(String architecture, Sequential model) {
        String layers = model.layers().stream().map(Checkpoints::describe).collect(Collectors.joining("\n"));
        List<ModelSpec.TensorSpec> tensors = model.namedParameters().stream()
                .map(p -> new ModelSpec.TensorSpec(p.name(), p.value().shape())).toList();
        return new ModelSpec(architecture, model.inputShape(), model.outputShape()[0], model.parameterCount(), layers, tensors);
    }

    private static String describe(Layer l) {
        return l.name() + " " + l.type() + " " + Arrays.toString(l.outputShape()) + " " + l.parameterCount();
    }

    /**
     * A checkpoint of the model (and of Adam when {@code adam} is not null), in the backend's
     * precision: 8-byte doubles from a float64 backend, 4-byte floats otherwise; both are exact.
     * The architecture is recorded as {@value #SEQUENTIAL}.
     *
     * @param model the model
     * @param adam the optimizer, or null for a weights-only checkpoint
     * @param labels the label of each output, or none
     * @param state where training stands
     * @param run the settings that define the run
     * @param extras further named arrays
     * @return the checkpoint
     */
    public static Checkpoint snapshot(Sequential model, Optimizer adam, List<String> labels, TrainingState state, RunSettings run,
                                      List<NamedArray> extras) {
        return snapshot(SEQUENTIAL, model, adam, labels, state, run, extras);
    }

    /**
     * As {@link #snapshot(Sequential, Optimizer, List, TrainingState, RunSettings, List)}, recording
     * another architecture name.
     *
     * @param architecture the architecture name ("poster-cnn")
     * @param model the model
     * @param adam the optimizer, or null for a weights-only checkpoint
     * @param labels the label of each output, or none
     * @param state where training stands
     * @param run the settings that define the run
     * @param extras further named arrays
     * @return the checkpoint
     */
    public static Checkpoint snapshot(String architecture, Sequential model, Optimizer adam, List<String> labels, TrainingState state,
                                      RunSettings run, List<NamedArray> extras) {
        Checkpoint.Precision p = precision(model);
        double[] w = model.parameters().toDoubles();
        OptimizerState o = adam == null ? null : state(adam, p);
        return new Checkpoint(spec(architecture, model), labels, state, p, w, o, run, extras);
    }

    /**
     * The precision a checkpoint of {@code model} stores its arrays in: that of its backend, exactly.
     *
     * @param model the model
     * @return FLOAT64 on a float64 backend, FLOAT32 otherwise
     */
    public static Checkpoint.Precision precision(Sequential model) {
        return model.backend().precision() == Precision.FLOAT64 ? Checkpoint.Precision.FLOAT64 : Checkpoint.Precision.FLOAT32;
    }

    /**
     * Where {@code model} does not fit the stored spec, in words that name the first difference:
     * the input shape, then a parameter tensor by name and shape (where the spec lists them), the
     * outputs or parameter count, then the first layer line that differs.
     *
     * @param stored the spec a file holds
     * @param model the model to load into
     * @return the first difference, or empty when the model fits
     */
    public static Optional<String> mismatch(ModelSpec stored, Sequential model) {
        ModelSpec mine = spec(stored.architecture(), model);
        if (!Arrays.equals(stored.inputShape(), mine.inputShape())) {
            return Optional.of("the file is for inputs of shape " + Arrays.toString(stored.inputShape()) + " but the model takes "
                    + Arrays.toString(mine.inputShape()));
        }
        List<ModelSpec.TensorSpec> file = stored.tensors(), params = mine.tensors();
        if (!file.isEmpty()) {
            for (int i = 0; i < Math.min(params.size(), file.size()); i++) {
                if (!file.get(i).equals(params.get(i))) {
                    return Optional.of("parameter tensor " + (i + 1) + " is " + file.get(i).describe() + " in the file but "
                            + params.get(i).describe() + " in the model");
                }
            }
            if (params.size() != file.size()) {
                return Optional.of("the file has " + file.size() + " parameter tensors but the model has " + params.size()
                        + (params.size() > file.size() ? " (the model's first extra one is " + params.get(file.size()).name() + ")"
                                : " (the file's first extra one is " + file.get(params.size()).describe() + ")"));
            }
        }
        if (stored.outputs() != mine.outputs() || stored.parameterCount() != mine.parameterCount()) {
            return Optional.of("the file holds " + stored.headline() + " but the model is " + mine.headline());
        }
        if (!stored.layers().equals(mine.layers())) return Optional.of(firstDifference(stored, mine));
        return Optional.empty();
    }

    /** Where two specs differ in their layer lines: the first line that is not the same. */
    private static String firstDifference(ModelSpec checkpoint, ModelSpec model) {
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
     * The optimizer's state as a checkpoint section: its name ({@value OptimizerState#ADAM} or
     * {@value #SGD}), its step count and its state arrays by name.
     *
     * @param optimizer the optimizer
     * @param p the precision to store the arrays in
     * @return the section
     */
    public static OptimizerState state(Optimizer optimizer, Checkpoint.Precision p) {
        if (optimizer instanceof Adam adam) return OptimizerState.adam(p, adam.iterations(), adam.m().toDoubles(), adam.v().toDoubles());
        List<NamedArray> arrays = new java.util.ArrayList<>();
        for (int i = 0; i < optimizer.state().size(); i++) {
            arrays.add(new NamedArray(optimizer.stateNames().get(i), p, optimizer.state().get(i).toDoubles()));
        }
        return new OptimizerState(name(optimizer), optimizer.iterations(), arrays);
    }

    /** The name SGD's state is recorded under. */
    public static final String SGD = "sgd";

    /** The name an optimizer's state is recorded under. */
    private static String name(Optimizer optimizer) {
        return optimizer.config() instanceof org.marquee.engine.AdamConfig ? OptimizerState.ADAM : SGD;
    }

    /**
     * Loads the checkpoint's parameters into {@code model} (and its optimizer state into
     * {@code adam}, if given) and sets the model's step. A checkpoint of another model is refused,
     * naming the first difference; so is one holding a NaN or infinity, naming the tensor.
     *
     * @param c the checkpoint
     * @param model a model built with the checkpoint's layers
     * @param adam the optimizer to restore, or null to load the weights only
     * @throws IllegalArgumentException when the checkpoint does not fit, holds a value that is not
     *         finite, or has no Adam state to restore into {@code adam}
     */
    public static void restore(Checkpoint c, Sequential model, Optimizer adam) {
        mismatch(c.model(), model).ifPresent(why -> {
            ModelSpec mine = spec(c.model().architecture(), model);
            throw new IllegalArgumentException("the checkpoint holds " + c.model().headline() + " but the model is " + mine.headline()
                    + "; " + why);
        });
        nonFinite(c, model).ifPresent(where -> {
            throw new IllegalArgumentException("the checkpoint is unusable: " + where);
        });
        if (adam != null) {
            if (!c.hasOptimizerState()) throw new IllegalArgumentException("the checkpoint has no optimizer state to resume from");
            String wanted = name(adam);
            if (!c.optimizer().name().equals(wanted)) {
                throw new IllegalArgumentException("the checkpoint holds the state of " + c.optimizer().name() + ", not of " + wanted);
            }
            for (String array : adam.stateNames()) {
                if (c.optimizer().array(array).isEmpty()) {
                    throw new IllegalArgumentException("the checkpoint's " + wanted + " state lacks its array " + array);
                }
            }
        }
        model.backend().upload(model.parameters(), c.weights());
        if (adam != null) {
            for (int i = 0; i < adam.stateNames().size(); i++) {
                model.backend().upload(adam.state().get(i), c.optimizer().array(adam.stateNames().get(i)).orElseThrow().values());
            }
            adam.setIterations(c.optimizer().steps());
        }
        model.setStep(c.training().step());
    }

    /**
     * Where the checkpoint holds a value that is not finite, in words that name the tensor
     * ({@code "conv2d_1/kernel[17] (weights) is NaN"}), or empty when every value is finite.
     *
     * @param c the checkpoint
     * @param model a model with the checkpoint's layers, whose tensors name the positions
     * @return the first such value in words
     */
    public static Optional<String> nonFinite(Checkpoint c, Sequential model) {
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
