package org.marquee.engine.nn;

import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Tensor;

/**
 * 2-D convolution (cross-correlation, as in Keras) over a batch, through the backend's three
 * convolution primitives. Their textbook form, the backend's default, is im2col and one gemm per
 * image:
 *
 * <pre>
 *   N batch, C in-channels, K filters, H/W input, KH/KW kernel, OH/OW output
 *   forward, per image n:   cols = im2col(x[n])                  (C*KH*KW, OH*OW)
 *                           y[n] = W · cols + b                  (K, OH*OW)
 *   backward, per image n:  dW  += dY[n] · colsᵀ                 (K, C*KH*KW)
 *                           db  += Σ over images and positions of dY
 *                           dcols = Wᵀ · dY[n];   dx[n] = col2im(dcols)
 * </pre>
 * A backend may compute the same sums without materializing the columns (the cpu backend reads
 * the image in place for stride 1); the column workspace, one image's worth, is then never
 * allocated.
 */
public final class Conv2d implements Layer {
    private final Backend backend;
    private final String name;
    private final ConvGeometry g;
    private final int[] inputShape;                 // (C, H, W)
    private final int[] outputShape;                // (K, OH, OW)
    private final ParameterBlock.Slot weights;      // (K, C, KH, KW)
    private final ParameterBlock.Slot bias;         // (K)
    private final Buffers.PerBatch y;               // (N, K, OH, OW)
    private final Buffers.PerBatch dx;              // (N, C, H, W), null for the first layer
    private final Buffers.Single cols;              // (C*KH*KW, OH*OW), one image
    private Tensor x;                               // (N, C, H, W): the last forward input
    private int batch;
    private boolean fusedRelu;                      // the next layer is an in-place ReLU applied here
    private ReLU pooledRelu;                        // the fused ReLU between this layer and fusedPool, or null
    private MaxPool2d fusedPool;                    // the max pooling after it (and its ReLU) computed here, or null

    Conv2d(LayerContext ctx, String name, int[] inputShape, int filters, int kh, int kw, int stride, int pad) {
        this.backend = ctx.backend();
        this.name = name;
        if (inputShape.length != 3) {
            throw LayerChecks.shapeError(name, type(), "an image input (C, H, W)", inputShape);
        }
        int c = inputShape[0], h = inputShape[1], w = inputShape[2];
        if (kh > h + 2 * pad || kw > w + 2 * pad) {
            throw LayerChecks.shapeError(name, type(), "an input of at least " + (kh - 2 * pad) + "x" + (kw - 2 * pad)
                    + " for kernel " + kh + "x" + kw + " with padding " + pad, inputShape);
        }
        try {
            this.g = new ConvGeometry(c, h, w, filters, kh, kw, stride, pad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " (" + type() + "): " + e.getMessage(), e);
        }
        this.inputShape = inputShape.clone();
        this.outputShape = new int[] {filters, g.oh(), g.ow()};
        // Keras: fan_in = C*KH*KW, fan_out = K*KH*KW.
        this.weights = ctx.parameters().reserve(name + "/kernel", g.patch(), filters * kh * kw, filters, c, kh, kw);
        this.bias = ctx.parameters().reserve(name + "/bias", 0, 0, filters);
        this.y = ctx.buffers().perBatch(outputShape);
        this.dx = ctx.inputGradient() ? ctx.buffers().perBatch(inputShape) : null;
        this.cols = ctx.buffers().single(g.patch(), g.positions());
    }

    @Override public String name() { return name; }
    @Override public String type() { return "Conv2D"; }
    @Override public int[] inputShape() { return inputShape.clone(); }
    @Override public int[] outputShape() { return outputShape.clone(); }
    @Override public int parameterCount() { return g.k() * g.patch() + g.k(); }
    public ConvGeometry geometry() { return g; }

    /** The kernel, (K, C, KH, KW): a view into the model's parameter block. */
    public Tensor weights() { return weights.value(); }
    /** The bias, (K). */
    public Tensor bias() { return bias.value(); }

    /**
     * Applies the in-place ReLU that follows this layer as part of the forward convolution (the
     * backend rectifies y as it writes it, instead of a second pass over it). Set by
     * {@link Sequential#setFusion}; the ReLU layer then only does its backward pass.
     */
    void fuseRelu(boolean on) { fusedRelu = on; }

    /**
     * Lets {@link #forwardPooled} compute the 2x2 max pooling that follows this layer (after
     * {@code relu}, the fused ReLU between them, or null) as part of the forward convolution,
     * block by block of rows while they are in cache. Set by {@link Sequential#setFusion}; null
     * turns it off.
     */
    void fusePool(ReLU relu, MaxPool2d pool) {
        if (fusedPool != null) fusedPool.pooledBy(null);
        pooledRelu = pool == null ? null : relu;
        fusedPool = pool;
        if (pool != null) pool.pooledBy(this);
    }

    /** How many layers after this one {@link #forwardPooled} computes: 0 (no fused pooling), 1 or 2. */
    int pooledLayers() { return fusedPool == null ? 0 : pooledRelu == null ? 1 : 2; }

    /**
     * This layer, its fused ReLU and the max pooling after them in one pass (see {@link #fusePool});
     * returns the pooling's output. The convolution's own output y is not kept where the backend
     * can do without it: backward needs only x, the pooling's winners and its output.
     */
    Tensor forwardPooled(Tensor input) {
        int n = LayerChecks.batchOf(name, "input", input, inputShape);
        Tensor out = backend.conv2dMaxPoolNeedsOutput(g) ? y.forBatch(n) : null;
        Tensor w2 = weights.value().reshape(g.k(), g.patch());
        Tensor pooled = fusedPool.output(n);
        backend.conv2dMaxPool(input, w2, bias.value(), g, n, out, columns(), fusedRelu, pooled, fusedPool.winners(n));
        if (pooledRelu != null) pooledRelu.forwardDone(n);
        fusedPool.forwardDone(n);
        x = input;
        batch = n;
        return pooled;
    }

    /** The column workspace when the backend needs one for this geometry, else null. */
    private Tensor columns() { return backend.convNeedsColumns(g) ? cols.get() : null; }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        int n = LayerChecks.batchOf(name, "input", input, inputShape);
        Tensor out = y.forBatch(n);                                          // (N, K, OH, OW)
        Tensor w2 = weights.value().reshape(g.k(), g.patch());               // (K, C*KH*KW)
        backend.conv2d(input, w2, bias.value(), g, n, out, columns(), fusedRelu);
        x = input;
        batch = n;
        return out;
    }

    /**
     * The backward pass of the pooling, its ReLU and this layer (see {@link #forwardPooled}) from
     * the pooling's output gradient: the ReLU's mask applied on the winners, then this layer's
     * gradients from dY = the pooled gradient at each window's winner, 0 elsewhere, which the
     * backend unpools row by row as it reads them where it can ({@link Backend#convUnpools}).
     */
    Tensor backwardPooled(Tensor dpool) {
        int n = LayerChecks.batchOf(fusedPool.name(), "output gradient", dpool, fusedPool.outputShape());
        LayerChecks.requireForward(name, batch, n);
        Tensor masked = fusedPool.maskedGradient(dpool, n);
        Tensor w2 = weights.value().reshape(g.k(), g.patch());
        Tensor dw2 = weights.gradient().reshape(g.k(), g.patch());
        Tensor dxs = dx == null ? null : dx.forBatch(n);
        Tensor dyWork = backend.convUnpools(g) ? null : fusedPool.gradientBuffer(n);
        backend.conv2dPooledBackward(x, masked, fusedPool.winners(n), w2, g, n, dw2, bias.gradient(), dxs, dyWork, columns());
        return dxs;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, outputShape);
        LayerChecks.requireForward(name, batch, n);
        Tensor w2 = weights.value().reshape(g.k(), g.patch());               // (K, C*KH*KW)
        Tensor dw2 = weights.gradient().reshape(g.k(), g.patch());           // (K, C*KH*KW)
        Tensor col = columns();
        // dW += Σ over images of dY[i] · colsᵀ;  db[k] += Σ over images i and positions p of dY[i][k][p]
        backend.conv2dWeightGrad(x, dy, g, n, dw2, bias.gradient(), col);
        Tensor dxs = null;
        if (dx != null) {
            // dx[i] = col2im(Wᵀ · dY[i])
            dxs = dx.forBatch(n);                                            // (N, C, H, W)
            backend.conv2dInputGrad(dy, w2, g, n, dxs, col);
        }
        return dxs;
    }
}
