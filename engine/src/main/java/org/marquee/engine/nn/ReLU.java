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
 * layer's output, which that layer's backward does not need) and dx over dy: after a convolution
 * of the poster model's first size that saves two (32, 32, 222, 222) buffers, 2 x 202 MB at batch
 * 32. (In the poster model itself that ReLU is part of a {@link ConvBlock}, which keeps neither.)
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
    /**
     * Whether this layer overwrites its input and its output gradient.
     *
     * @return true when it works in place
     */
    public boolean inPlace() { return inPlace; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int n = LayerChecks.batchOf(name, "input", x, shape);
        out = inPlace ? x : y.forBatch(n);
        backend.relu(x, out);                           // y = max(x, 0)
        batch = n;
        return out;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, shape);
        LayerChecks.requireForward(name, batch, n);
        if (!needsDx) return null;
        Tensor dxs = inPlace ? dy : dx.forBatch(n);
        backend.reluBackward(out, dy, dxs);             // dx = dy * (y > 0)
        return dxs;
    }
}
