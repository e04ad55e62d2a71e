package org.marquee.app.train;

import org.marquee.dataset.PosterDataset;
import org.marquee.engine.Losses;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.Sequential;

/**
 * Runs a model in inference mode (no dropout) over a whole data set in order and collects
 * probabilities and the loss. The loss is computed on the host in double precision from the
 * logits, with the stable formula the backends use in training ({@link Losses#binaryCrossEntropy}),
 * averaged over examples and labels. With {@link #averagingMirrors()} (test-time augmentation,
 * {@code --tta flip}) each poster is also run mirrored left-right and its probabilities are the
 * mean of the two, p = (sigmoid(z) + sigmoid(z_mirrored)) / 2, the loss then the cross-entropy of
 * that mean: the model saw posters both ways round in training with {@code --flip}, so the two views
 * are equally likely readings and their average is less noisy than either.
 */
public final class Evaluator {
    private final Sequential model;
    private final int batchSize;

    private final InputNormalization normalization;
    private final boolean mirrors;

    public Evaluator(Sequential model, int batchSize) {
        this(model, batchSize, null);
    }

    /** @param normalization applied to every poster, null for none */
    public Evaluator(Sequential model, int batchSize, InputNormalization normalization) {
        this(model, batchSize, normalization, false);
    }

    private Evaluator(Sequential model, int batchSize, InputNormalization normalization, boolean mirrors) {
        this.model = model;
        this.batchSize = batchSize;
        this.normalization = normalization;
        this.mirrors = mirrors;
    }

    /** This evaluator averaging each poster's probabilities with its mirror image's. */
    public Evaluator averagingMirrors() {
        return new Evaluator(model, batchSize, normalization, true);
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
                double[] zm = null;
                if (mirrors) {
                    loader.mirrorLoaded();
                    zm = model.forward(loader.images(), false).toDoubles();
                }
                float[] t = loader.hostLabels();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < g; j++) {
                        double zz = z[r * g + j];
                        double tt = t[r * g + j];
                        if (zm == null) {
                            lossSum += Losses.binaryCrossEntropy(zz, tt);
                            probabilities[from + r][j] = 1 / (1 + Math.exp(-zz));
                        } else {
                            double p = (1 / (1 + Math.exp(-zz)) + 1 / (1 + Math.exp(-zm[r * g + j]))) / 2;
                            lossSum += crossEntropy(p, tt);
                            probabilities[from + r][j] = p;
                        }
                        truth[from + r][j] = tt > 0.5;
                    }
                }
            }
        }
        return new Predictions(probabilities, truth, n == 0 ? Double.NaN : lossSum / ((double) n * g));
    }

    /** -[t log p + (1 - t) log(1 - p)], with p kept a float64 step away from 0 and 1. */
    static double crossEntropy(double p, double t) {
        double q = Math.min(Math.max(p, Double.MIN_NORMAL), 1 - 0x1p-53);
        return -(t * Math.log(q) + (1 - t) * Math.log1p(-q));
    }
}
