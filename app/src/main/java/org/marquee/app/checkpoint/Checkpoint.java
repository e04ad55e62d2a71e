package org.marquee.app.checkpoint;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Everything needed to predict with a trained model or to continue training it exactly: the model
 * spec, the genre vocabulary (label order), the training state, the parameters and Adam's state,
 * the settings that define the run and any further named arrays.
 * Arrays hold values in double precision; {@code precision} says how they are stored on disk
 * (float32 backends round-trip exactly through 4 bytes, the float64 reference backend needs 8).
 *
 * @param adamT  Adam's step count t (0 when no optimizer state is kept)
 * @param adamM  Adam's first moments, same layout as {@code weights}, or null with {@code adamV}
 * @param adamV  Adam's second moments, or null
 * @param run    the options that define the run ({@link RunSettings#NONE} in format 1 files)
 * @param extras further arrays by unique name (none in format 1 files)
 */
public record Checkpoint(ModelSpec model, List<String> genres, TrainingState training, Precision precision,
                         double[] weights, long adamT, double[] adamM, double[] adamV, RunSettings run, List<NamedArray> extras) {
    /** Without run settings or extra arrays. */
    public Checkpoint(ModelSpec model, List<String> genres, TrainingState training, Precision precision,
                      double[] weights, long adamT, double[] adamM, double[] adamV) {
        this(model, genres, training, precision, weights, adamT, adamM, adamV, RunSettings.NONE, List.of());
    }

    public Checkpoint {
        genres = List.copyOf(genres);
        run = run == null ? RunSettings.NONE : run;
        extras = List.copyOf(extras);
        var names = new HashSet<String>();
        for (NamedArray a : extras) {
            if (!names.add(a.name())) throw new IllegalArgumentException("two arrays named " + a.name());
        }
        if (genres.size() != model.classes()) {
            throw new IllegalArgumentException(genres.size() + " genres for a model with " + model.classes() + " outputs");
        }
        if (weights.length != model.parameterCount()) {
            throw new IllegalArgumentException(weights.length + " weights for a model with " + model.parameterCount() + " parameters");
        }
        if ((adamM == null) != (adamV == null)) throw new IllegalArgumentException("Adam m and v must both be present or absent");
        if (adamM != null && (adamM.length != weights.length || adamV.length != weights.length)) {
            throw new IllegalArgumentException("Adam state length differs from the weights");
        }
        if (adamT < 0) throw new IllegalArgumentException("Adam step must be >= 0: " + adamT);
    }

    public boolean hasOptimizerState() { return adamM != null; }

    /** This checkpoint with other run settings and extra arrays. */
    public Checkpoint with(RunSettings run, List<NamedArray> extras) {
        return new Checkpoint(model, genres, training, precision, weights, adamT, adamM, adamV, run, extras);
    }

    /** The extra array of that name, if the checkpoint has one. */
    public Optional<NamedArray> extra(String name) {
        return extras.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /**
     * The first value that is NaN or infinite, searched in the weights, Adam's moments and the extra
     * arrays in that order; such a checkpoint cannot be trained on or predicted with.
     */
    public Optional<NonFinite> firstNonFinite() {
        Optional<NonFinite> f = NonFinite.in("weights", weights);
        if (f.isEmpty() && adamM != null) f = NonFinite.in("Adam m", adamM);
        if (f.isEmpty() && adamV != null) f = NonFinite.in("Adam v", adamV);
        for (int i = 0; f.isEmpty() && i < extras.size(); i++) f = NonFinite.in(extras.get(i).name(), extras.get(i).values());
        return f;
    }

    /** A value that is not finite: which array, at which element, and the value. */
    public record NonFinite(String array, int index, double value) {
        static Optional<NonFinite> in(String array, double[] values) {
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) return Optional.of(new NonFinite(array, i, values[i]));
            }
            return Optional.empty();
        }

        /** Whether the value lies in the weights or in Adam's state (laid out like the weights). */
        public boolean inParameterLayout() { return array.equals("weights") || array.startsWith("Adam "); }
    }

    /** How parameter arrays are stored: 4-byte IEEE floats or 8-byte doubles. */
    public enum Precision {
        FLOAT32(4), FLOAT64(8);
        public final int bytes;
        Precision(int bytes) { this.bytes = bytes; }

        static Precision ofCode(int code) {
            for (Precision p : values()) if (p.bytes == code) return p;
            return null;
        }
    }
}
