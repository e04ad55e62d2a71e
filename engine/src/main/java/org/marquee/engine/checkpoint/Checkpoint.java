package org.marquee.engine.checkpoint;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Everything needed to predict with a trained model or to continue training it exactly: the model
 * spec, the labels of its outputs, the training state, the parameters, the optimizer's state, the
 * settings that define the run and any further named arrays. A weights-only checkpoint has no
 * optimizer state. Arrays hold values in double precision; {@code precision} says how the weights
 * are stored on disk (float32 backends round-trip exactly through 4 bytes, the float64 reference
 * backend needs 8).
 *
 * @param model what the weights belong to
 * @param labels the name of each output in order (the genres of the poster model), or none
 * @param training where training stood
 * @param precision how the weights are stored
 * @param weights the parameters, in the order of {@code model.tensors()}
 * @param optimizer the optimizer's state, or null (weights only)
 * @param run the options that define the run ({@link RunSettings#NONE} in format 1 files)
 * @param extras further arrays by unique name (none in format 1 files)
 */
public record Checkpoint(ModelSpec model, List<String> labels, TrainingState training, Precision precision,
                         double[] weights, OptimizerState optimizer, RunSettings run, List<NamedArray> extras) {
    /**
     * With Adam's state as separate arrays, as formats 1 and 2 stored it.
     *
     * @param model what the weights belong to
     * @param labels the output labels
     * @param training where training stood
     * @param precision how arrays are stored
     * @param weights the parameters
     * @param adamT Adam's step count t (0 when no optimizer state is kept)
     * @param adamM Adam's first moments, or null with {@code adamV} (no optimizer state)
     * @param adamV Adam's second moments, or null
     * @param run the run settings
     * @param extras further arrays
     */
    public Checkpoint(ModelSpec model, List<String> labels, TrainingState training, Precision precision,
                      double[] weights, long adamT, double[] adamM, double[] adamV, RunSettings run, List<NamedArray> extras) {
        this(model, labels, training, precision, weights, adam(precision, adamT, adamM, adamV), run, extras);
    }

    /**
     * With Adam's state as separate arrays, without run settings or extra arrays.
     *
     * @param model what the weights belong to
     * @param labels the output labels
     * @param training where training stood
     * @param precision how arrays are stored
     * @param weights the parameters
     * @param adamT Adam's step count t
     * @param adamM Adam's first moments, or null
     * @param adamV Adam's second moments, or null
     */
    public Checkpoint(ModelSpec model, List<String> labels, TrainingState training, Precision precision,
                      double[] weights, long adamT, double[] adamM, double[] adamV) {
        this(model, labels, training, precision, weights, adamT, adamM, adamV, RunSettings.NONE, List.of());
    }

    private static OptimizerState adam(Precision precision, long t, double[] m, double[] v) {
        if ((m == null) != (v == null)) throw new IllegalArgumentException("Adam m and v must both be present or absent");
        if (t < 0) throw new IllegalArgumentException("Adam step must be >= 0: " + t);
        return m == null ? null : OptimizerState.adam(precision, t, m, v);
    }

    /**
     * Checks that the parts agree: one label per output (or none), one weight per parameter,
     * optimizer arrays laid out like the weights, unique names.
     *
     * @throws IllegalArgumentException when they do not
     *
     * @param model the record component of that name
     * @param labels the record component of that name
     * @param training the record component of that name
     * @param precision the record component of that name
     * @param weights the record component of that name
     * @param optimizer the record component of that name
     * @param run the record component of that name
     * @param extras the record component of that name
     */
    public Checkpoint {
        labels = List.copyOf(labels);
        run = run == null ? RunSettings.NONE : run;
        extras = List.copyOf(extras);
        var names = new HashSet<String>();
        for (NamedArray a : extras) {
            if (!names.add(a.name())) throw new IllegalArgumentException("two arrays named " + a.name());
        }
        if (!labels.isEmpty() && labels.size() != model.outputs()) {
            throw new IllegalArgumentException(labels.size() + " genres for a model with " + model.outputs() + " outputs");
        }
        if (weights.length != model.parameterCount()) {
            throw new IllegalArgumentException(weights.length + " weights for a model with " + model.parameterCount() + " parameters");
        }
        if (optimizer != null) {
            for (NamedArray a : optimizer.arrays()) {
                if (a.values().length != weights.length) {
                    throw new IllegalArgumentException(optimizer.label(a.name()) + " holds " + a.values().length
                            + " values, the weights " + weights.length);
                }
            }
        }
    }

    /**
     * The labels of the outputs: the genres of the poster model.
     *
     * @return {@link #labels()}
     */
    public List<String> genres() { return labels; }

    /**
     * Whether the checkpoint holds an optimizer's state (a full checkpoint) or the weights only.
     *
     * @return true when there is optimizer state
     */
    public boolean hasOptimizerState() { return optimizer != null; }

    /**
     * The optimizer's step count.
     *
     * @return its steps, or 0 without optimizer state
     */
    public long adamT() { return optimizer == null ? 0 : optimizer.steps(); }

    /**
     * Adam's first moments.
     *
     * @return the optimizer's "m" array, or null when there is none
     */
    public double[] adamM() { return optimizerArray("m"); }

    /**
     * Adam's second moments.
     *
     * @return the optimizer's "v" array, or null when there is none
     */
    public double[] adamV() { return optimizerArray("v"); }

    private double[] optimizerArray(String name) {
        return optimizer == null ? null : optimizer.array(name).map(NamedArray::values).orElse(null);
    }

    /**
     * This checkpoint with other run settings and extra arrays.
     *
     * @param run the run settings
     * @param extras the extra arrays
     * @return the new checkpoint
     */
    public Checkpoint with(RunSettings run, List<NamedArray> extras) {
        return new Checkpoint(model, labels, training, precision, weights, optimizer, run, extras);
    }

    /**
     * The extra array of that name, if the checkpoint has one.
     *
     * @param name the array's name
     * @return the array
     */
    public Optional<NamedArray> extra(String name) {
        return extras.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /**
     * The first value that is NaN or infinite, searched in the weights, the optimizer's arrays and
     * the extra arrays in that order; such a checkpoint cannot be trained on or predicted with.
     *
     * @return where it is, or empty when every value is finite
     */
    public Optional<NonFinite> firstNonFinite() {
        Optional<NonFinite> f = NonFinite.in("weights", weights, true);
        if (optimizer != null) {
            for (int i = 0; f.isEmpty() && i < optimizer.arrays().size(); i++) {
                NamedArray a = optimizer.arrays().get(i);
                f = NonFinite.in(optimizer.label(a.name()), a.values(), true);
            }
        }
        for (int i = 0; f.isEmpty() && i < extras.size(); i++) f = NonFinite.in(extras.get(i).name(), extras.get(i).values(), false);
        return f;
    }

    /**
     * A value that is not finite: which array, at which element, and the value.
     *
     * @param array the array's name ("weights", "Adam m", an extra array's name)
     * @param index the element
     * @param value the value
     * @param inParameterLayout whether the array is laid out like the weights (the weights, an optimizer's array)
     */
    public record NonFinite(String array, int index, double value, boolean inParameterLayout) {
        static Optional<NonFinite> in(String array, double[] values, boolean parameterLayout) {
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) return Optional.of(new NonFinite(array, i, values[i], parameterLayout));
            }
            return Optional.empty();
        }
    }

    /** How arrays are stored: 4-byte IEEE floats or 8-byte doubles. */
    public enum Precision {
        /** 4-byte IEEE 754 floats. */
        FLOAT32(4),
        /** 8-byte IEEE 754 doubles. */
        FLOAT64(8);
        /** Bytes per element. */
        public final int bytes;
        Precision(int bytes) { this.bytes = bytes; }

        static Precision ofCode(int code) {
            for (Precision p : values()) if (p.bytes == code) return p;
            return null;
        }
    }
}
