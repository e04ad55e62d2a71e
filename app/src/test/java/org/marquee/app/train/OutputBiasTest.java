package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.marquee.app.PosterModel;
import org.marquee.dataset.PosterDataset;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Dense;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

class OutputBiasTest {
    static final int SIZE = 24;

    @Test
    void logOddsOfEachGenresFrequencyClampedAwayFromZeroAndOne() {
        boolean[][] labels = {{true, true, false, true}, {false, true, false, true}, {false, true, false, true}, {false, false, false, true}};
        double[] b = OutputBias.logOdds(labels, 4);
        assertEquals(Math.log(0.25 / 0.75), b[0], 1e-15);
        assertEquals(Math.log(3), b[1], 1e-15);
        assertEquals(Math.log(1e-4 / (1 - 1e-4)), b[2], 1e-12, "absent: clamped to 1e-4");
        assertEquals(-b[2], b[3], 1e-12, "always present: clamped to 1 - 1e-4");
    }

    @Test
    void theUntrainedModelThenPredictsTheTrainingFrequencies() {
        TinyPosters train = new TinyPosters(48, SIZE, 3, 1);
        boolean[][] labels = labels(train);
        double[] frequency = org.marquee.app.metrics.Baselines.prior(labels, 3);
        try (Backend backend = new ReferenceBackend(); Sequential model = PosterModel.build(backend, 3, SIZE, SIZE, 3)) {
            Dense last = OutputBias.lastDense(model.layers());
            double[] zeroBias = new double[3];
            assertArrayEquals(zeroBias, last.bias().toDoubles(), 0.0, "biases start at zero");
            double[] b = OutputBias.initLogOdds(model, labels);
            assertArrayEquals(b, last.bias().toDoubles(), 0.0);
            backend.fill(last.weights(), 0);    // the other weights of the last layer
            Predictions p = new Evaluator(model, 8).run(train);
            for (int j = 0; j < 3; j++) {
                double mean = 0;
                for (double[] row : p.probabilities()) mean += row[j];
                mean /= p.probabilities().length;
                assertEquals(frequency[j], mean, 1e-9, "genre " + j);
            }
            assertThrows(IllegalArgumentException.class, () -> OutputBias.initLogOdds(model, new boolean[][] {{true, false}}));
        }
    }

    static boolean[][] labels(PosterDataset data) {
        return org.marquee.app.data.Subset.labels(data);
    }
}
