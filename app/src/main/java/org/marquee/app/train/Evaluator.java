package org.marquee.app.train;

import org.marquee.dataset.PosterDataset;
import org.marquee.engine.Losses;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Sequential;

/**
 * Runs a model in inference mode (no dropout) over a whole data set in order and collects
 * probabilities and the loss. The loss is computed on the host in double precision from the
 * logits, with the stable formula the backends use in training ({@link Losses#binaryCrossEntropy}),
 * averaged over examples and labels.
 */
public final class Evaluator {
    private final Sequential model;
    private final int batchSize;

    private final InputNormalization normalization;

    public Evaluator(Sequential model, int batchSize) {
        this(model, batchSize, null);
    }

    /** @param normalization applied to every poster, null for none */
    public Evaluator(Sequential model, int batchSize, InputNormalization normalization) {
        this.model = model;
        this.batchSize = batchSize;
        this.normalization = normalization;
    }

    public Predictions run(PosterDataset data) {
        int n = data.size(), g = data.genres().size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        double[][] probabilities = new double[n][g];
        boolean[][] truth = new boolean[n][g];
        double lossSum = 0;
        try (BatchLoader loader = new BatchLoader(data, model.backend(), Math.min(batchSize, Math.max(1, n)), normalization)) {
            for (int from = 0; from < n; from += loader.batchSize()) {
                int rows = loader.load(order, from, Math.min(loader.batchSize(), n - from));
                Tensor logits = model.forward(loader.images(), false);   // (N, G)
                double[] z = logits.toDoubles();
                float[] t = loader.hostLabels();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < g; j++) {
                        double zz = z[r * g + j];
                        double tt = t[r * g + j];
                        lossSum += Losses.binaryCrossEntropy(zz, tt);
                        probabilities[from + r][j] = 1 / (1 + Math.exp(-zz));
                        truth[from + r][j] = tt > 0.5;
                    }
                }
            }
        }
        return new Predictions(probabilities, truth, n == 0 ? Double.NaN : lossSum / ((double) n * g));
    }
}
