package org.marquee.engine.nn;

import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;

/**
 * Fully connected layer with the kernel stored (in, out) like Keras.
 *
 * <pre>
 *   forward:   Y = X · W + b              X (N, in), W (in, out), Y (N, out)
 *   backward:  dW += Xᵀ · dY              (in, out)
 *              db += Σ over n of dY[n]    (out)
 *              dX  = dY · Wᵀ              (N, in)
 * </pre>
 */
public final class Dense implements Layer {
    private final Backend backend;
    private final String name;
    private final int in, out;
    private final ParameterBlock.Slot weights;    // (in, out)
    private final ParameterBlock.Slot bias;       // (out)
    private final Buffers.PerBatch y;             // (N, out)
    private final Buffers.PerBatch dx;            // (N, in), null when nothing before needs it
    private Tensor x;                             // (N, in): the last forward input
    private int batch;

    Dense(LayerContext ctx, String name, int[] inputShape, int units) {
        this.backend = ctx.backend();
        this.name = name;
        if (inputShape.length != 1) {
            throw LayerChecks.shapeError(name, type(), "a flat input (features); add flatten() before it", inputShape);
        }
        if (units <= 0) throw new IllegalArgumentException(name + " (Dense): units must be positive but is " + units);
        this.in = inputShape[0];
        this.out = units;
        // Keras: fan_in = in, fan_out = out.
        this.weights = ctx.parameters().reserve(name + "/kernel", in, out, in, out);
        this.bias = ctx.parameters().reserve(name + "/bias", 0, 0, out);
        this.y = ctx.buffers().perBatch(out);
        this.dx = ctx.inputGradient() ? ctx.buffers().perBatch(in) : null;
    }

    @Override public String name() { return name; }
    @Override public String type() { return "Dense"; }
    @Override public int[] inputShape() { return new int[] {in}; }
    @Override public int[] outputShape() { return new int[] {out}; }
    @Override public int parameterCount() { return in * out + out; }

    /**
     * The kernel, (in, out): a view into the model's parameter block.
     *
     * @return the kernel view
     */
    public Tensor weights() { return weights.value(); }
    /**
     * The bias, (out).
     *
     * @return the bias view
     */
    public Tensor bias() { return bias.value(); }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        int n = LayerChecks.batchOf(name, "input", input, new int[] {in});
        Tensor ys = y.forBatch(n);
        // Y = X · W + b
        backend.gemm(false, false, n, out, in, 1, input, weights.value(), 0, ys);
        backend.addBias(ys, bias.value(), n, out, 1);
        x = input;
        batch = n;
        return ys;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, new int[] {out});
        LayerChecks.requireForward(name, batch, n);
        // dW += Xᵀ · dY;  db += Σ over n of dY[n]
        backend.gemm(true, false, in, out, n, 1, x, dy, 1, weights.gradient());
        backend.biasGrad(dy, bias.gradient(), n, out, 1);
        if (dx == null) return null;
        Tensor dxs = dx.forBatch(n);
        // dX = dY · Wᵀ
        backend.gemm(false, true, n, in, out, 1, dy, weights.value(), 0, dxs);
        return dxs;
    }
}
