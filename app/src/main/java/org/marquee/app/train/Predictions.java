package org.marquee.app.train;

import java.util.List;
import org.marquee.app.metrics.MetricsReport;
import org.marquee.app.metrics.MultiLabelMetrics;

/**
 * A model's outputs over a data set: probabilities (N, G), the true labels (N, G) and the mean
 * binary cross-entropy over every example and label.
 */
public record Predictions(double[][] probabilities, boolean[][] truth, double loss) {
    public Predictions {
        if (probabilities.length != truth.length) {
            throw new IllegalArgumentException(probabilities.length + " predictions for " + truth.length + " examples");
        }
    }

    public MetricsReport metrics(List<String> genres) {
        return metrics(genres, 0.5);
    }

    /** Metrics with the decisions {@code probability >= threshold}. */
    public MetricsReport metrics(List<String> genres, double threshold) {
        return MultiLabelMetrics.evaluate(probabilities, truth, genres, threshold);
    }
}
