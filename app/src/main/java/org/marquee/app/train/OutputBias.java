package org.marquee.app.train;

import java.util.List;
import org.marquee.app.metrics.Baselines;
import org.marquee.engine.nn.Dense;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Sequential;

/**
 * Starts the output layer at the training set's genre frequencies. With the biases of the last
 * {@link Dense} layer set to the log-odds of each genre's frequency p_j,
 * <pre>
 *   b_j = log(p_j / (1 - p_j)),   p_j clamped to [1e-4, 1 - 1e-4]
 * </pre>
 * an untrained model whose other last-layer weights are near zero predicts sigmoid(b_j) = p_j for
 * every poster: the best constant guess, with a cross-entropy of the labels' entropy instead of
 * ln 2 per genre. The first steps then learn what sets posters apart instead of spending
 * themselves pushing 27 sigmoids from 1/2 down to rare genres' frequencies. The clamp keeps a
 * genre absent from the training set at a finite bias of about -9.2.
 */
public final class OutputBias {
    /** The clamp on frequencies: a bias stays within +-ln(1e4 - 1), about 9.21. */
    public static final double MIN_FREQUENCY = 1e-4;

    private OutputBias() {}

    /** The log-odds of each column's frequency in {@code labels} (N, G), clamped as above. */
    public static double[] logOdds(boolean[][] labels, int genres) {
        double[] p = Baselines.prior(labels, genres);
        double[] b = new double[genres];
        for (int j = 0; j < genres; j++) {
            double q = Math.max(MIN_FREQUENCY, Math.min(1 - MIN_FREQUENCY, p[j]));
            b[j] = Math.log(q / (1 - q));
        }
        return b;
    }

    /** Sets the biases of {@code model}'s last Dense layer to {@link #logOdds} of {@code trainLabels}; returns them. */
    public static double[] initLogOdds(Sequential model, boolean[][] trainLabels) {
        Dense last = lastDense(model.layers());
        int genres = last.bias().intSize();
        for (boolean[] row : trainLabels) {
            if (row.length != genres) throw new IllegalArgumentException("labels have " + row.length + " genres, the model " + genres);
        }
        double[] b = logOdds(trainLabels, genres);
        model.backend().upload(last.bias(), b);
        return b;
    }

    static Dense lastDense(List<Layer> layers) {
        for (int i = layers.size() - 1; i >= 0; i--) if (layers.get(i) instanceof Dense d) return d;
        throw new IllegalArgumentException("the model has no Dense layer");
    }
}
