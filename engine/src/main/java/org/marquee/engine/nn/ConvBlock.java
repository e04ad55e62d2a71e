package org.marquee.engine.nn;

import java.util.List;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Tensor;

/**
 * A Conv2D, a ReLU and a 2x2 max pooling in a row, computed as one layer: the same math as the
 * three {@link #parts()}, in one forward pass and one backward pass.
 *
 * <pre>
 *   forward:   y = W * x + b          (the convolution, as {@link Conv2d})
 *              r = max(y, 0)          (the ReLU)
 *              p = max of each 2x2 window of r,  argmax = the winner (dy*2 + dx)
 *              in one backend call, conv2dMaxPool: a backend may pool each block of rows of y
 *              while it is still in cache and never write y at all
 *
 *   backward:  dr = dp at each window's winner, 0 elsewhere      (the pooling)
 *              dy = dr * (r > 0)                                   (the ReLU)
 *              dW, db, dx from dy                                  (the convolution)
 *              Only winners carry gradient, and r at a window's winner is p, so the ReLU's
 *              mask is applied on the pooled values first:  dp' = dp * (p > 0), a quarter of
 *              the elements; then one backend call, conv2dPooledBackward, computes the
 *              convolution's gradients from dp' and the winners, unpooling as it reads.
 * </pre>
 * Compared with the three layers in a row, this never keeps the convolution's output or its
 * gradient (at batch 32, 202 MB each after the poster model's first convolution) where the
 * backend can do without them, and makes two passes over the activations instead of six.
 */
public final class ConvBlock implements Layer {
    private final Backend backend;
    private final String name;
    private final Conv2d conv;
    private final ReLU relu;
    private final MaxPool2d pool;
    private final int[] inputShape;              // (C, H, W)
    private final int[] outputShape;             // (K, OH/2, OW/2)
    private final Buffers.PerBatch pooled;       // (N, K, OH/2, OW/2): p
    private final Buffers.PerBatch winners;      // (N, K, OH/2, OW/2): argmax, window positions 0..3
    private final Buffers.PerBatch masked;       // (N, K, OH/2, OW/2): dp', null when dp may be overwritten
    private final Buffers.PerBatch dx;           // (N, C, H, W), null for the first layer
    private Tensor x;                            // (N, C, H, W): the last forward input
    private int batch;

    /** Made by the model's builder from the three layers it stands for, which share its context. */
    ConvBlock(LayerContext ctx, String name, Conv2d conv, ReLU relu, MaxPool2d pool) {
        this.backend = ctx.backend();
        this.name = name;
        this.conv = conv;
        this.relu = relu;
        this.pool = pool;
        this.inputShape = conv.inputShape();
        this.outputShape = pool.outputShape();
        this.pooled = ctx.buffers().perBatch(outputShape);
        this.winners = ctx.buffers().perBatch(outputShape);
        this.masked = ctx.ownsOutputGradient() ? null : ctx.buffers().perBatch(outputShape);
        this.dx = ctx.inputGradient() ? ctx.buffers().perBatch(inputShape) : null;
    }

    @Override public String name() { return name; }
    @Override public String type() { return "ConvBlock"; }
    @Override public int[] inputShape() { return inputShape.clone(); }
    @Override public int[] outputShape() { return outputShape.clone(); }
    @Override public int parameterCount() { return conv.parameterCount(); }

    /**
     * The convolution, the ReLU and the pooling as layers of their own: they share this block's
     * parameters, and run one by one they compute the same as the block (each keeping its own
     * output, e.g. to show the convolution's values before the ReLU).
     *
     * @return the three layers, in order
     */
    public List<Layer> parts() { return List.of(conv, relu, pool); }

    /**
     * The block's convolution, which holds its kernel and bias.
     *
     * @return the convolution layer
     */
    public Conv2d convolution() { return conv; }
    /**
     * The geometry of the block's convolution.
     *
     * @return the geometry
     */
    public ConvGeometry geometry() { return conv.geometry(); }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        int n = LayerChecks.batchOf(name, "input", input, inputShape);
        ConvGeometry g = conv.geometry();
        Tensor p = pooled.forBatch(n);
        Tensor w2 = conv.weights().reshape(g.k(), g.patch());               // (K, C*KH*KW)
        // p, argmax = maxpool2x2(max(W * x + b, 0))
        backend.conv2dMaxPool(conv.plan(), input, w2, conv.bias(), n, p, winners.forBatch(n));
        x = input;
        batch = n;
        return p;
    }

    @Override
    public Tensor backward(Tensor dp) {
        int n = LayerChecks.batchOf(name, "output gradient", dp, outputShape);
        LayerChecks.requireForward(name, batch, n);
        ConvGeometry g = conv.geometry();
        ConvPlan plan = conv.plan();
        // the ReLU's backward at the winners: dp' = dp * (p > 0)
        Tensor dpMasked = masked == null ? dp : masked.forBatch(n);
        backend.reluBackward(pooled.forBatch(n), dp, dpMasked);
        // the convolution's gradients from dy = dp' at each winner, 0 elsewhere
        Tensor w2 = conv.weights().reshape(g.k(), g.patch());               // (K, C*KH*KW)
        Tensor dw2 = conv.weightGradient().reshape(g.k(), g.patch());       // (K, C*KH*KW)
        Tensor dxs = dx == null ? null : dx.forBatch(n);                    // (N, C, H, W)
        backend.conv2dPooledBackward(plan, x, dpMasked, winners.forBatch(n), w2, n, dw2, conv.biasGradient(), dxs);
        return dxs;
    }
}
