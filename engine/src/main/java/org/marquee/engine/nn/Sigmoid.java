package org.marquee.engine.nn;

import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * y = 1 / (1 + e^-x), for inference: turning logits into per-label probabilities. Training uses the
 * fused, numerically stable {@link Loss#sigmoidCrossEntropy} on the logits instead, so this layer
 * has no backward pass.
 */
public final class Sigmoid implements Layer {
    private final Backend backend;
    private final String name;
    private final int[] shape;              // per example, input = output
    private final Buffers.PerBatch y;       // (N, shape...)

    Sigmoid(LayerContext ctx, String name, int[] inputShape) {
        this.backend = ctx.backend();
        this.name = name;
        this.shape = inputShape.clone();
        this.y = ctx.buffers().perBatch(shape);
    }

    @Override public String name() { return name; }
    @Override public String type() { return "Sigmoid"; }
    @Override public int[] inputShape() { return shape.clone(); }
    @Override public int[] outputShape() { return shape.clone(); }
    @Override public int parameterCount() { return 0; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int n = LayerChecks.batchOf(name, "input", x, shape);
        Tensor out = y.forBatch(n);
        backend.sigmoid(x, out);
        return out;
    }

    @Override
    public Tensor backward(Tensor dy) {
        throw new UnsupportedOperationException(name + " (Sigmoid) is for inference only; train on the logits with "
                + "Loss.sigmoidCrossEntropy, which fuses the sigmoid into the loss");
    }
}
