package org.marquee.app.train;

import org.marquee.engine.fit.PositiveWeights;
import org.marquee.dataset.PosterDataset;
import org.marquee.engine.fit.GradientCompute;
import org.marquee.engine.nn.Sequential;

/**
 * Where the arithmetic of training posters runs: the training loop's {@link GradientCompute}
 * (a batch of the order into the gradient in the model's {@link Sequential#gradients()}, seen at
 * its step: dropout masks and augmentation) and the predictions for a data set. {@link Local} runs
 * the model itself; the {@code spark} module runs replicas on a cluster, each on a shard of the
 * batch, and leaves the same gradient (to float rounding) in the same place.
 */
public interface TrainingCompute extends GradientCompute {

    /** The model's predictions, in inference mode, for every poster of {@code data} in order. */
    Predictions predict(PosterDataset data);

    @Override
    void close();

    /** Opens a compute for one model and training set. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param model         the model whose weights are used and whose gradients are written
         * @param train         the training posters, addressed by {@code order}
         * @param batch         rows per step (and per prediction batch)
         * @param augmentation  what is done to each training poster, keyed by (seed, step, row)
         * @param seed          the run's seed
         * @param normalization applied to every poster after augmentation, null for none
         * @param positives     the weights of each genre's positive examples in the loss, null for the plain loss
         */
        TrainingCompute open(Sequential model, PosterDataset train, int batch, Augmentation augmentation, long seed,
                             InputNormalization normalization, PositiveWeights positives);
    }

    /** The model on its own backend, in this process: what {@code train} does without {@code --spark}. */
    Factory LOCAL = Local::new;

    /** One model, the whole batch at once. */
    final class Local implements TrainingCompute {
        private final Sequential model;
        private final int batch;
        private final InputNormalization normalization;
        private final Augmenter augmenter;   // null: none
        private final BatchLoader loader;
        private final org.marquee.engine.Tensor grad;   // (N, G) dL/dlogits
        private final PositiveWeights.Loss weighted;     // null: the plain loss

        public Local(Sequential model, PosterDataset train, int batch, Augmentation augmentation, long seed,
                     InputNormalization normalization, PositiveWeights positives) {
            if (positives != null && positives.genres() != train.genres().size()) {
                throw new IllegalArgumentException(positives.genres() + " positive weights for " + train.genres().size() + " genres");
            }
            this.model = model;
            this.batch = batch;
            this.normalization = normalization;
            this.augmenter = augmentation.isNone() ? null : new Augmenter(augmentation, seed, train.imageSize());
            this.loader = new BatchLoader(train, model.backend(), batch, normalization);
            org.marquee.engine.Tensor g = null;
            try {
                g = model.backend().allocate(batch, train.genres().size());
                this.weighted = positives == null ? null : positives.open(model.backend(), batch);
            } catch (RuntimeException e) {
                if (g != null) g.close();
                loader.close();
                throw e;
            }
            this.grad = g;
        }

        @Override
        public double gradient(int[] order, int from, long step) {
            loader.load(order, from, batch, augmenter, step);
            // the next step's batch is read, augmented and normalized while this one computes
            loader.prefetch(order, from + batch, augmenter, step + 1);
            model.setStep(step);
            var logits = model.forward(loader.images(), true);
            java.util.function.DoubleSupplier loss = weighted != null
                    ? constant(weighted.gradient(logits, loader.targets(), loader.hostLabels(), grad))
                    : org.marquee.engine.nn.Loss.sigmoidCrossEntropyLater(model.backend(), logits, loader.targets(), grad);
            model.zeroGradients();
            model.backward(grad);   // enqueued before the host waits for the loss
            return loss.getAsDouble();
        }

        private static java.util.function.DoubleSupplier constant(double v) { return () -> v; }

        @Override
        public Predictions predict(PosterDataset data) {
            return new Evaluator(model, batch, normalization).run(data);
        }

        @Override
        public void close() {
            try {
                loader.close();
            } finally {
                try {
                    grad.close();
                } finally {
                    if (weighted != null) weighted.close();
                }
            }
        }
    }
}
