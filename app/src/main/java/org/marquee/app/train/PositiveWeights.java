package org.marquee.app.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * A class-weighted binary cross-entropy: the positive examples of genre j count w_j times.
 * <pre>
 *   s    = 1 + (w_j - 1) t                      (w_j for a positive, 1 for a negative)
 *   loss = mean over batch and genres of  s · [max(z,0) - z·t + log(1 + e^-|z|)]
 *   dL/dz = s · (sigmoid(z) - t) / (N · G)
 *   w_j  = min(cap, max(1, negatives_j / positives_j))    counted on the training split
 * </pre>
 * A rare genre's few positives then pull on the shared layers about as hard as its many
 * negatives push, instead of being drowned out; the cap keeps a genre with a handful of posters
 * (or none: it gets the cap) from dominating the gradient, and the floor of 1 leaves genres that
 * are positive more often than not as they were. The weights multiply the gradient of the plain
 * loss element by element ({@link #weigh}); the loss printed, logged and compared across runs stays
 * the plain, unweighted mean.
 *
 * @param perGenre w_j, each at least 1
 */
public record PositiveWeights(double[] perGenre) implements Serializable {
    public PositiveWeights {
        perGenre = perGenre.clone();
        for (int j = 0; j < perGenre.length; j++) {
            if (!(perGenre[j] >= 1) || !Double.isFinite(perGenre[j])) {
                throw new IllegalArgumentException("positive weight of genre " + j + " must be a finite number >= 1, not " + perGenre[j]);
            }
        }
    }

    /** The weights of the training labels {@code labels} (N, G), capped at {@code cap} (at least 1; 1 gives every weight 1). */
    public static PositiveWeights capped(boolean[][] labels, int genres, double cap) {
        if (!(cap >= 1) || !Double.isFinite(cap)) throw new IllegalArgumentException("the positive-weight cap must be >= 1, not " + cap);
        long[] positives = new long[genres];
        for (boolean[] row : labels) {
            if (row.length != genres) throw new IllegalArgumentException("labels have " + row.length + " genres, expected " + genres);
            for (int j = 0; j < genres; j++) if (row[j]) positives[j]++;
        }
        double[] w = new double[genres];
        for (int j = 0; j < genres; j++) {
            double ratio = positives[j] == 0 ? cap : (labels.length - positives[j]) / (double) positives[j];
            w[j] = Math.min(cap, Math.max(1, ratio));
        }
        return new PositiveWeights(w);
    }

    @Override
    public double[] perGenre() {
        return perGenre.clone();
    }

    public int genres() {
        return perGenre.length;
    }

    /** Fills {@code factors} with s = 1 + (w_j - 1) t for the first {@code rows} rows of {@code labels} (rows, G). */
    public void factors(float[] labels, int rows, float[] factors) {
        int g = perGenre.length;
        if (labels.length < rows * g || factors.length < rows * g) {
            throw new IllegalArgumentException(rows + " rows of " + g + " genres do not fit labels of " + labels.length
                    + " and factors of " + factors.length);
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < g; j++) {
                float t = labels[i * g + j];
                factors[i * g + j] = (float) (1 + (perGenre[j] - 1) * t);
            }
        }
    }

    /**
     * Turns {@code grad}, the gradient of the plain loss for targets {@code labels} (host copy,
     * (N, G)), into the weighted loss's: {@code grad *= s}, with {@code factors} (N, G) as scratch.
     */
    public void weigh(Backend backend, Tensor grad, float[] labels, float[] hostFactors, Tensor factors) {
        factors(labels, grad.shape()[0], hostFactors);
        backend.upload(factors, hostFactors);
        backend.multiply(grad, factors, grad);
    }

    /** "Action 1.9, Adventure 5.2, ..." for the run's first lines. */
    public String describe(java.util.List<String> genres) {
        var sb = new StringBuilder();
        for (int j = 0; j < perGenre.length; j++) {
            if (j > 0) sb.append(", ");
            sb.append(j < genres.size() ? genres.get(j) : "genre " + j).append(' ').append(String.format(Locale.ROOT, "%.1f", perGenre[j]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PositiveWeights p && Arrays.equals(perGenre, p.perGenre);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(perGenre);
    }

    @Override
    public String toString() {
        return "PositiveWeights" + Arrays.toString(perGenre);
    }
}
