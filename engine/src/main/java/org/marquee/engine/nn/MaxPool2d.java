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
    private final Buffers.PerBatch masked;    // (N, C, H/2, W/2): dy times the ReLU's mask, when not in place
    private final boolean inPlace;
    private boolean reluMask;                 // the ReLU before is applied here in backward (Sequential.setFusion)
    private Conv2d pooledBy;                  // the Conv2D that computes this layer in its passes, or null

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
        this.inPlace = ctx.inPlace();
        this.masked = ctx.buffers().perBatch(outputShape);
    }

    @Override public String name() { return name; }
    @Override public String type() { return "MaxPooling2D"; }
    @Override public int[] inputShape() { return inputShape.clone(); }
    @Override public int[] outputShape() { return outputShape.clone(); }
    @Override public int parameterCount() { return 0; }

    /** The output buffer for batch n, which a fused Conv2D writes. */
    Tensor output(int n) { return y.forBatch(n); }

    /** The winners buffer for batch n, which a fused Conv2D writes. */
    Tensor winners(int n) { return argmax.forBatch(n); }

    /** Records a forward pass for batch n done by the Conv2D before ({@link Conv2d#forwardPooled}). */
    void forwardDone(int n) { batch = n; }

    /**
     * Whether backward also applies the ReLU before this layer (which then passes dy through): a
     * window's gradient goes to its winner only, where the ReLU's output is the window's maximum,
     * so the ReLU's mask there is (pooled > 0). The same result, from a buffer a quarter the size.
     */
    public boolean masksRelu() { return reluMask; }

    void maskRelu(boolean on) { reluMask = on; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int n = LayerChecks.batchOf(name, "input", x, inputShape);
        Tensor out = y.forBatch(n);
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
        backend.maxPool2x2Backward(maskedGradient(dy, n), argmax.forBatch(n), n * inputShape[0], inputShape[1],
                inputShape[2], dxs, false);
        return dxs;
    }

    /** dy, times the ReLU's mask (pooled > 0) when this layer applies it ({@link #masksRelu}); checks dy's batch. */
    Tensor maskedGradient(Tensor dy, int n) {
        LayerChecks.batchOf(name, "output gradient", dy, outputShape);
        LayerChecks.requireForward(name, batch, n);
        if (!reluMask) return dy;
        // the ReLU's backward on the winners: dy * (y > 0), y the pooled ReLU outputs
        Tensor m = inPlace ? dy : masked.forBatch(n);
        backend.reluBackward(y.forBatch(n), dy, m, false);
        return m;
    }

    /** This layer's dL/dx buffer for batch n (the unpooled gradient), or null when nothing before needs it. */
    Tensor gradientBuffer(int n) { return dx == null ? null : dx.forBatch(n); }

    /** The Conv2D that computes this pooling and its backward pass ({@link Conv2d#forwardPooled}), or null. */
    Conv2d pooledBy() { return pooledBy; }

    void pooledBy(Conv2d conv) { pooledBy = conv; }
}
