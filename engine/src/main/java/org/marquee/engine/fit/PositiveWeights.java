package org.marquee.engine.fit;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * A class-weighted binary cross-entropy whose optimum stays calibrated: the positive examples of
 * genre j count w_j times, and the loss is taken at the logit shifted by log w_j.
 * <pre>
 *   s    = 1 + (w_j - 1) t                      (w_j for a positive, 1 for a negative)
 *   loss = mean over batch and genres of  s · BCE(z + log w_j, t)
 *   dL/dz = s · (sigmoid(z + log w_j) - t) / (N · G)
 *   w_j  = min(cap, max(1, negatives_j / positives_j))    counted on the training split
 * </pre>
 * A rare genre's few positives then pull on the shared layers about as hard as its many
 * negatives push, instead of being drowned out; the cap keeps a genre with a handful of posters
 * (or none: it gets the cap) from dominating the gradient, and the floor of 1 leaves genres that
 * are positive more often than not as they were. Weighting alone would move the optimum: for a
 * genre of frequency q the weighted loss is lowest where sigmoid(u) / (1 - sigmoid(u)) = w q / (1 - q),
 * odds w times too high, which would push rare genres up the ranking and into the top place. Taking
 * the loss at u = z + log w_j puts that optimum at z = log(q / (1 - q)), so the model's own logits
 * keep meaning probabilities (for the ranking, the decision rule and predict) while rare genres
 * still get the larger gradients. The loss printed, logged and compared across runs stays the
 * plain mean BCE(z, t).
 *
 * @param perGenre w_j, each at least 1
 * @serial exclude
 */
public record PositiveWeights(double[] perGenre) implements Serializable {
    /**
     * Checks and copies the weights.
     *
     * @param perGenre w_j per output, each a finite number at least 1
     */
    public PositiveWeights {
        perGenre = perGenre.clone();
        for (int j = 0; j < perGenre.length; j++) {
            if (!(perGenre[j] >= 1) || !Double.isFinite(perGenre[j])) {
                throw new IllegalArgumentException("positive weight of genre " + j + " must be a finite number >= 1, not " + perGenre[j]);
            }
        }
    }

    /**
     * The weights of the training labels {@code labels} (N, G), capped at {@code cap} (at least 1; 1 gives every weight 1).
     *
     * @param labels the training examples' labels, [example][output]
     * @param genres the number of outputs G
     * @param cap the largest weight, at least 1
     * @return the weights
     */
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

    /**
     * The weights, a copy.
     *
     * @return w_j per output
     */
    @Override
    public double[] perGenre() {
        return perGenre.clone();
    }

    /**
     * The number of outputs weighed.
     *
     * @return G
     */
    public int genres() {
        return perGenre.length;
    }

    /**
     * Fills {@code factors} with s = 1 + (w_j - 1) t for the first {@code rows} rows of {@code labels} (rows, G).
     *
     * @param labels the targets, row by row
     * @param rows the rows to fill
     * @param factors where s goes, laid out as the labels
     */
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
     * The loss for batches of {@code rows} rows on {@code backend}: its scratch tensors are allocated once.
     *
     * @param backend where the loss runs
     * @param rows the batch size
     * @return the loss; close it to free its tensors
     */
    public Loss open(Backend backend, int rows) {
        return new Loss(this, backend, rows);
    }

    /** The weighted loss over batches of one size, with its scratch tensors; close it to free them. */
    public static final class Loss implements AutoCloseable {
        private final PositiveWeights weights;
        private final Backend backend;
        private final int rows;
        private final Tensor shift;     // (G) log w_j
        private final Tensor shifted;   // (N, G) z + log w_j
        private final Tensor factors;   // (N, G) s
        private final Tensor plain;     // (N, G) the plain loss's gradient, discarded
        private final float[] hostFactors;

        private Loss(PositiveWeights weights, Backend backend, int rows) {
            this.weights = weights;
            this.backend = backend;
            this.rows = rows;
            int g = weights.genres();
            this.hostFactors = new float[rows * g];
            var made = new java.util.ArrayList<Tensor>();
            try {
                made.add(backend.allocate(g));
                made.add(backend.allocate(rows, g));
                made.add(backend.allocate(rows, g));
                made.add(backend.allocate(rows, g));
            } catch (RuntimeException e) {
                made.forEach(Tensor::close);
                throw e;
            }
            this.shift = made.get(0);
            this.shifted = made.get(1);
            this.factors = made.get(2);
            this.plain = made.get(3);
            double[] log = new double[g];
            for (int j = 0; j < g; j++) log[j] = Math.log(weights.perGenre[j]);
            backend.upload(shift, log);
        }

        /**
         * Writes into {@code grad} the weighted loss's gradient for {@code logits} (N, G) and
         * {@code targets} (whose host copy is {@code labels}), and returns the plain mean loss.
         *
         * @param logits the model's logits (N, G)
         * @param targets the targets on the backend (N, G)
         * @param labels the same targets on the host
         * @param grad where dL/dlogits goes (N, G)
         * @return the plain mean sigmoid cross-entropy
         */
        public double gradient(Tensor logits, Tensor targets, float[] labels, Tensor grad) {
            int g = weights.genres();
            if (logits.shape()[0] != rows || logits.intSize() != rows * g) {
                throw new IllegalArgumentException("logits " + java.util.Arrays.toString(logits.shape()) + " for a loss over (" + rows
                        + ", " + g + ")");
            }
            double loss = org.marquee.engine.nn.Loss.sigmoidCrossEntropy(backend, logits, targets, plain);
            backend.copy(logits, shifted);
            backend.addBias(shifted, shift, rows, g, 1);
            org.marquee.engine.nn.Loss.sigmoidCrossEntropy(backend, shifted, targets, grad);
            weights.factors(labels, rows, hostFactors);
            backend.upload(factors, hostFactors);
            backend.multiply(grad, factors, grad);
            return loss;
        }

        /** Frees the scratch tensors. */
        @Override
        public void close() {
            for (Tensor t : new Tensor[] {shift, shifted, factors, plain}) t.close();
        }
    }

    /**
     * "Action 1.9, Adventure 5.2, ..." for the run's first lines.
     *
     * @param genres the outputs' names
     * @return the weights by name
     */
    public String describe(java.util.List<String> genres) {
        var sb = new StringBuilder();
        for (int j = 0; j < perGenre.length; j++) {
            if (j > 0) sb.append(", ");
            sb.append(j < genres.size() ? genres.get(j) : "genre " + j).append(' ').append(String.format(Locale.ROOT, "%.1f", perGenre[j]));
        }
        return sb.toString();
    }

    /**
     * Equal weights, value by value.
     *
     * @param o the other object
     * @return whether it holds the same weights
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof PositiveWeights p && Arrays.equals(perGenre, p.perGenre);
    }

    /**
     * A hash of the weights' values.
     *
     * @return the hash
     */
    @Override
    public int hashCode() {
        return Arrays.hashCode(perGenre);
    }

    /**
     * The weights, for messages.
     *
     * @return "PositiveWeights[...]"
     */
    @Override
    public String toString() {
        return "PositiveWeights" + Arrays.toString(perGenre);
    }
}
