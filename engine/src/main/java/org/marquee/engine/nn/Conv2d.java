package org.marquee.engine.nn;

import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
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
 * the image in place for stride 1): the layer asks it for a {@link ConvPlan} once and passes it
 * to every call, so the column workspace, one image's worth, exists only on a backend that needs it.
 * A convolution followed by a ReLU and a 2x2 max pooling is usually built as one {@link ConvBlock},
 * which computes the three in one pass.
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
    private final ConvPlan plan;                    // the backend's route and workspace for g
    private Tensor x;                               // (N, C, H, W): the last forward input
    private int batch;

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
        this.plan = ctx.buffers().convPlan(g);
    }

    @Override public String name() { return name; }
    @Override public String type() { return "Conv2D"; }
    @Override public int[] inputShape() { return inputShape.clone(); }
    @Override public int[] outputShape() { return outputShape.clone(); }
    @Override public int parameterCount() { return g.k() * g.patch() + g.k(); }
    /**
     * The convolution's geometry: input (C, H, W), K kernels of KH x KW, stride and padding.
     *
     * @return the geometry
     */
    public ConvGeometry geometry() { return g; }

    /**
     * The kernel, (K, C, KH, KW): a view into the model's parameter block.
     *
     * @return the kernel view
     */
    public Tensor weights() { return weights.value(); }

    /**
     * The bias, (K): a view into the model's parameter block.
     *
     * @return the bias view
     */
    public Tensor bias() { return bias.value(); }

    /** The kernel's gradient, (K, C, KH, KW), and the bias's, (K): views into the model's gradient block. */
    Tensor weightGradient() { return weights.gradient(); }
    Tensor biasGradient() { return bias.gradient(); }

    /**
     * The backend's plan for this layer's convolutions: how it computes them ({@link ConvPlan#route()}).
     *
     * @return the plan
     */
    public ConvPlan plan() { return plan; }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        int n = LayerChecks.batchOf(name, "input", input, inputShape);
        Tensor out = y.forBatch(n);                                          // (N, K, OH, OW)
        Tensor w2 = weights.value().reshape(g.k(), g.patch());               // (K, C*KH*KW)
        // y[i] = W · im2col(x[i]) + b
        backend.conv2d(plan, input, w2, bias.value(), n, out);
        x = input;
        batch = n;
        return out;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, outputShape);
        LayerChecks.requireForward(name, batch, n);
        Tensor w2 = weights.value().reshape(g.k(), g.patch());               // (K, C*KH*KW)
        Tensor dw2 = weights.gradient().reshape(g.k(), g.patch());           // (K, C*KH*KW)
        // dW += Σ over images of dY[i] · colsᵀ;  db[k] += Σ over images i and positions p of dY[i][k][p]
        backend.conv2dWeightGrad(plan, x, dy, n, dw2, bias.gradient());
        Tensor dxs = null;
        if (dx != null) {
            // dx[i] = col2im(Wᵀ · dY[i])
            dxs = dx.forBatch(n);                                            // (N, C, H, W)
            backend.conv2dInputGrad(plan, dy, w2, n, dxs);
        }
        return dxs;
    }
}
