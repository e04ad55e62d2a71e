package org.marquee.engine.nn;

import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * 2x2 max pooling with stride 2 (Keras' default, "valid": a trailing odd row or column is dropped).
 *
 * <pre>
 *   forward:   y[c][oy][ox] = max of x[c][2oy..2oy+1][2ox..2ox+1],  argmax = winner (dy*2 + dx)
 *   backward:  dx[winner] = dy; every other input of the window gets 0
 * </pre>
 */
public final class MaxPool2d implements Layer {
    private final Backend backend;
    private final String name;
    private final int[] inputShape;           // (C, H, W)
    private final int[] outputShape;          // (C, H/2, W/2)
    private final Buffers.PerBatch y;         // (N, C, H/2, W/2)
    private final Buffers.PerBatch argmax;    // (N, C, H/2, W/2), window positions 0..3
    private final Buffers.PerBatch dx;        // (N, C, H, W), null when nothing before needs it
    private int batch;

    MaxPool2d(LayerContext ctx, String name, int[] inputShape) {
        this.backend = ctx.backend();
        this.name = name;
        if (inputShape.length != 3 || inputShape[1] < 2 || inputShape[2] < 2) {
            throw LayerChecks.shapeError(name, type(), "an image input (C, H, W) with H >= 2 and W >= 2", inputShape);
        }
        this.inputShape = inputShape.clone();
        this.outputShape = new int[] {inputShape[0], inputShape[1] / 2, inputShape[2] / 2};
        this.y = ctx.buffers().perBatch(outputShape);
        this.argmax = ctx.buffers().perBatch(outputShape);
        this.dx = ctx.inputGradient() ? ctx.buffers().perBatch(inputShape) : null;
    }

    @Override public String name() { return name; }
    @Override public String type() { return "MaxPooling2D"; }
    @Override public int[] inputShape() { return inputShape.clone(); }
    @Override public int[] outputShape() { return outputShape.clone(); }
    @Override public int parameterCount() { return 0; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int n = LayerChecks.batchOf(name, "input", x, inputShape);
        Tensor out = y.forBatch(n);
        // each window's maximum, and where in the window it was
        backend.maxPool2x2(x, n * inputShape[0], inputShape[1], inputShape[2], out, argmax.forBatch(n));
        batch = n;
        return out;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, outputShape);
        LayerChecks.requireForward(name, batch, n);
        if (dx == null) return null;
        Tensor dxs = dx.forBatch(n);
        // dx = 0 everywhere, except dx[winner of each window] = dy[window]
        backend.maxPool2x2Backward(dy, argmax.forBatch(n), n * inputShape[0], inputShape[1], inputShape[2], dxs);
        return dxs;
    }
}
