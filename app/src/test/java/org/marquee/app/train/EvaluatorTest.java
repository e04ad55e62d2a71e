package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.marquee.app.PosterModel;
import org.marquee.engine.Tensor;
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
    void lossIsTheReferenceBackendsLossOnTheSameLogits() {
        TinyPosters data = new TinyPosters(8, 24, 3, 6);
        ReferenceBackend ref = new ReferenceBackend();
        try (Sequential model = PosterModel.build(ref, 3, 24, 24, 3);
             Tensor x = ref.allocate(8, 3, 24, 24);
             Tensor t = ref.allocate(8, 3);
             Tensor g = ref.allocate(8, 3)) {
            float[] pixels = new float[8 * 3 * 24 * 24], labels = new float[8 * 3];
            data.fillBatch(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, pixels, labels);
            ref.upload(x, pixels);
            ref.upload(t, labels);
            double backend = ref.sigmoidCrossEntropy(model.forward(x, false), t, g);
            assertEquals(backend, new Evaluator(model, 8).run(data).loss(), 0, "the same formula, summed in the same order");
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

    @Test
    void mirrorAveragingIsTheMeanOfEachPostersTwoViews() {
        TinyPosters data = new TinyPosters(7, 24, 3, 8);
        ReferenceBackend ref = new ReferenceBackend();
        try (Sequential model = PosterModel.build(ref, 3, 24, 24, 3);
             Tensor x = ref.allocate(1, 3, 24, 24)) {
            Predictions plain = new Evaluator(model, 4).run(data);
            Predictions averaged = new Evaluator(model, 4).averagingMirrors().run(data);   // 4 + 3 (padded)
            double loss = 0;
            boolean differs = false;
            for (int i = 0; i < 7; i++) {
                float[] pixels = new float[3 * 24 * 24], labels = new float[3];
                data.fillBatch(new int[] {i}, pixels, labels);
                ref.upload(x, pixels);
                double[] z = model.forward(x, false).toDoubles();
                BatchLoader.mirror(pixels, 0, 3 * 24, 24);
                ref.upload(x, pixels);
                double[] zm = model.forward(x, false).toDoubles();
                for (int j = 0; j < 3; j++) {
                    double p = (1 / (1 + Math.exp(-z[j])) + 1 / (1 + Math.exp(-zm[j]))) / 2;
                    assertEquals(p, averaged.probabilities()[i][j], 1e-12, "poster " + i + ", genre " + j);
                    assertEquals(plain.probabilities()[i][j], 1 / (1 + Math.exp(-z[j])), 1e-12);
                    differs |= Math.abs(p - plain.probabilities()[i][j]) > 1e-9;
                    loss -= labels[j] > 0.5 ? Math.log(p) : Math.log(1 - p);
                }
            }
            assertEquals(loss / 21, averaged.loss(), 1e-12, "the cross-entropy of the averaged probabilities");
            org.junit.jupiter.api.Assertions.assertTrue(differs, "the model is not mirror-symmetric, so the views differ");
        }
    }
}
