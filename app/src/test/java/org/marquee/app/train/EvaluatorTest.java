package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.marquee.app.PosterModel;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

class EvaluatorTest {
    @Test
    void aPaddedLastBatchGivesTheSameResultsAsOneBatch() {
        TinyPosters data = new TinyPosters(13, 24, 3, 5);
        try (Sequential model = PosterModel.build(new ReferenceBackend(), 3, 24, 24, 3)) {
            Predictions whole = new Evaluator(model, 13).run(data);
            Predictions padded = new Evaluator(model, 5).run(data);   // 5 + 5 + 3 (padded to 5)
            assertEquals(whole.loss(), padded.loss(), 1e-12);
            for (int i = 0; i < 13; i++) {
                assertArrayEquals(whole.probabilities()[i], padded.probabilities()[i], 1e-12, "example " + i);
                assertArrayEquals(whole.truth()[i], padded.truth()[i]);
            }
        }
    }

    @Test
    void lossMatchesTheFormulaOnHandComputedLogits() {
        // an untrained model's loss is close to ln 2 per label: logits near 0
        TinyPosters data = new TinyPosters(8, 24, 3, 6);
        try (Sequential model = PosterModel.build(new ReferenceBackend(), 3, 24, 24, 3)) {
            Predictions p = new Evaluator(model, 8).run(data);
            double expected = 0;
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 3; j++) {
                    double q = p.probabilities()[i][j];
                    expected -= p.truth()[i][j] ? Math.log(q) : Math.log(1 - q);
                }
            }
            assertEquals(expected / 24, p.loss(), 1e-9);
            assertEquals(Math.log(2), p.loss(), 0.2);
        }
    }
}
