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
 */
public final class ReLU implements Layer {
    private final Backend backend;
    private final String name;
    private final int[] shape;              // per example, input = output
    private final Buffers.PerBatch y;       // (N, shape...)
    private final Buffers.PerBatch dx;      // (N, shape...), null when nothing before needs it
    private Tensor out;                     // the last forward output
    private int batch;

    ReLU(LayerContext ctx, String name, int[] inputShape) {
        this.backend = ctx.backend();
        this.name = name;
        this.shape = inputShape.clone();
        this.y = ctx.buffers().perBatch(shape);
        this.dx = ctx.inputGradient() ? ctx.buffers().perBatch(shape) : null;
    }

    @Override public String name() { return name; }
    @Override public String type() { return "ReLU"; }
    @Override public int[] inputShape() { return shape.clone(); }
    @Override public int[] outputShape() { return shape.clone(); }
    @Override public int parameterCount() { return 0; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int n = LayerChecks.batchOf(name, "input", x, shape);
        out = y.forBatch(n);
        backend.relu(x, out);
        batch = n;
        return out;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, shape);
        LayerChecks.requireForward(name, batch, n);
        if (dx == null) return null;
        Tensor dxs = dx.forBatch(n);
        backend.reluBackward(out, dy, dxs, false);    // dx = dy * (y > 0)
        return dxs;
    }
}
