package org.marquee.app.checkpoint;

import java.util.List;

/**
 * Everything needed to predict with a trained model or to continue training it exactly: the model
 * spec, the genre vocabulary (label order), the training state, the parameters and Adam's state.
 * Arrays hold values in double precision; {@code precision} says how they are stored on disk
 * (float32 backends round-trip exactly through 4 bytes, the float64 reference backend needs 8).
 *
 * @param adamT  Adam's step count t (0 when no optimizer state is kept)
 * @param adamM  Adam's first moments, same layout as {@code weights}, or null with {@code adamV}
 * @param adamV  Adam's second moments, or null
 */
public record Checkpoint(ModelSpec model, List<String> genres, TrainingState training, Precision precision,
                         double[] weights, long adamT, double[] adamM, double[] adamV) {
    public Checkpoint {
        genres = List.copyOf(genres);
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
