package org.marquee.engine.nn;

import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;

/** (N, C, H, W) to (N, C*H*W) and back: a reshape of the same memory, no copy, no computation. */
public final class Flatten implements Layer {
    private final String name;
    private final int[] inputShape;     // (C, H, W), or any shape
    private final int features;         // C*H*W
    private final boolean inputGradient;
    private int batch;

    Flatten(LayerContext ctx, String name, int[] inputShape) {
        this.name = name;
        this.inputShape = inputShape.clone();
        this.features = Math.toIntExact(Shapes.size(inputShape));
        this.inputGradient = ctx.inputGradient();
    }

    @Override public String name() { return name; }
    @Override public String type() { return "Flatten"; }
    @Override public int[] inputShape() { return inputShape.clone(); }
    @Override public int[] outputShape() { return new int[] {features}; }
    @Override public int parameterCount() { return 0; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        batch = LayerChecks.batchOf(name, "input", x, inputShape);
        return x.reshape(batch, features);
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, new int[] {features});
        LayerChecks.requireForward(name, batch, n);
        return inputGradient ? dy.reshape(Shapes.withBatch(n, inputShape)) : null;
    }
}
