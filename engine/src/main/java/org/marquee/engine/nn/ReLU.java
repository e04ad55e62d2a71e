package org.marquee.engine.nn;

import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Rectified linear unit.
 *
 * <pre>
 *   forward:   y = max(x, 0)
 *   backward:  dx = dy * (y > 0)       (the kink at 0 gets derivative 0)
 * </pre>
 * Between two other layers of a model it works in place: y is written over x (the previous
 * layer's output, which that layer's backward does not need) and dx over dy. After the poster
 * model's first convolution that saves two (32, 32, 222, 222) buffers, 2 x 202 MB at batch 32.
 * Backward only needs y, which is why the mask tests y > 0 rather than x > 0.
 */
public final class ReLU implements Layer {
    private final Backend backend;
    private final String name;
    private final int[] shape;              // per example, input = output
    private final boolean inPlace;          // y over x, dx over dy
    private final Buffers.PerBatch y;       // (N, shape...), null in place
    private final Buffers.PerBatch dx;      // (N, shape...), null in place or when nothing before needs it
    private final boolean needsDx;
    private Tensor out;                     // the last forward output
    private boolean applied;                // the layer before rectifies its own output (Conv2d.fuseRelu)
    private boolean masked;                 // the max pooling after applies this layer's backward (MaxPool2d.maskRelu)
    private int batch;

    ReLU(LayerContext ctx, String name, int[] inputShape) {
        this.backend = ctx.backend();
        this.name = name;
        this.shape = inputShape.clone();
        this.inPlace = ctx.inPlace();
        this.needsDx = ctx.inputGradient();
        this.y = inPlace ? null : ctx.buffers().perBatch(shape);
        this.dx = needsDx && !inPlace ? ctx.buffers().perBatch(shape) : null;
    }

    @Override public String name() { return name; }
    @Override public String type() { return "ReLU"; }
    @Override public int[] inputShape() { return shape.clone(); }
    @Override public int[] outputShape() { return shape.clone(); }
    @Override public int parameterCount() { return 0; }
    /** Whether this layer overwrites its input and its output gradient. */
    public boolean inPlace() { return inPlace; }

    /** Whether the layer before applies this ReLU in its forward pass (then forward only passes x on). */
    public boolean fused() { return applied; }

    /** Whether the layer before rectifies its output itself; only valid in place, where y is x. */
    void markApplied(boolean on) {
        if (on && !inPlace) throw new IllegalStateException(name + ": only an in-place ReLU can be applied by the layer before it");
        applied = on;
    }

    /** Whether the max pooling after this layer does its backward pass (then backward passes dy through). */
    public boolean maskedByPooling() { return masked; }

    void markMasked(boolean on) {
        if (on && !applied) throw new IllegalStateException(name + ": only a ReLU applied by the layer before can be masked by the pooling after");
        masked = on;
    }

    /** Records a forward pass for batch n done by the Conv2D before ({@link Conv2d#forwardPooled}). */
    void forwardDone(int n) {
        out = null;
        batch = n;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int n = LayerChecks.batchOf(name, "input", x, shape);
        out = inPlace ? x : y.forBatch(n);
        if (!applied) backend.relu(x, out);
        batch = n;
        return out;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, shape);
        LayerChecks.requireForward(name, batch, n);
        if (!needsDx) return null;
        if (masked) return dy;                          // already dy * (y > 0): see MaxPool2d.masksRelu
        Tensor dxs = inPlace ? dy : dx.forBatch(n);
        backend.reluBackward(out, dy, dxs, false);    // dx = dy * (y > 0)
        return dxs;
    }
}
