package org.marquee.engine.fit;

import org.marquee.engine.Backend;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;
import org.marquee.engine.nn.LossFunction;
import org.marquee.engine.nn.Sequential;

/**
 * The gradient of a batch of {@link Examples} on the model's own backend: the examples are
 * filled, transformed ({@link ExampleTransform}, keyed by step and row), uploaded and run forward
 * in training mode, the options' loss (or the sigmoid cross-entropy's class-weighted form) gives
 * the gradient of the outputs, and the model's backward pass the rest.
 */
final class ExamplesCompute implements GradientCompute {
    private final Sequential model;
    private final Examples train;
    private final int batch;
    private final ExampleTransform transform;
    private final int[] indices;
    private final float[] inputs;
    private final float[] labels;
    private final Tensor x, y, grad;
    private final PositiveWeights.Loss weighted;   // null: the plain loss

    private final LossFunction loss;

    ExamplesCompute(Sequential model, Examples train, int batch, ExampleTransform transform, PositiveWeights positives, LossFunction loss) {
        this.loss = loss;
        if (positives != null && positives.genres() != train.targetSize()) {
            throw new IllegalArgumentException(positives.genres() + " positive weights for " + train.targetSize() + " targets");
        }
        this.model = model;
        this.train = train;
        this.batch = batch;
        this.transform = transform;
        this.indices = new int[batch];
        this.inputs = new float[batch * train.inputSize()];
        this.labels = new float[batch * train.targetSize()];
        Backend backend = model.backend();
        Tensor[] made = new Tensor[3];
        PositiveWeights.Loss w = null;
        try {
            made[0] = backend.allocate(Shapes.withBatch(batch, model.inputShape()));
            made[1] = backend.allocate(Shapes.withBatch(batch, model.outputShape()));
            made[2] = backend.allocate(Shapes.withBatch(batch, model.outputShape()));
            w = positives == null ? null : positives.open(backend, batch);
        } catch (RuntimeException e) {
            for (Tensor t : made) if (t != null) t.close();
            throw e;
        }
        this.x = made[0];
        this.y = made[1];
        this.grad = made[2];
        this.weighted = w;
    }

    @Override
    public double gradient(int[] order, int from, long step) {
        Backend backend = model.backend();
        System.arraycopy(order, from, indices, 0, batch);
        train.fill(indices, inputs, labels);
        if (transform != null) {
            int size = train.inputSize();
            for (int r = 0; r < batch; r++) transform.apply(inputs, r * size, model.inputShape(), step, r);
        }
        backend.upload(x, inputs);
        backend.upload(y, labels);
        model.setStep(step);
        Tensor logits = model.forward(x, true);
        double loss = weighted != null ? weighted.gradient(logits, y, labels, grad) : this.loss.gradient(backend, logits, y, grad);
        model.zeroGradients();
        model.backward(grad);
        return loss;
    }

    @Override
    public void close() {
        try {
            x.close();
            y.close();
            grad.close();
        } finally {
            if (weighted != null) weighted.close();
        }
    }
}
