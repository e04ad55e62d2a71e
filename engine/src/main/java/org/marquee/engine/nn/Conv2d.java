package org.marquee.engine.nn;

import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Tensor;

/**
 * 2-D convolution (cross-correlation, as in Keras) through im2col and one gemm per image.
 *
 * <pre>
 *   N batch, C in-channels, K filters, H/W input, KH/KW kernel, OH/OW output
 *   forward, per image n:   cols = im2col(x[n])                  (C*KH*KW, OH*OW)
 *                           y[n] = W · cols + b                  (K, OH*OW)
 *   backward, per image n:  dW  += dY[n] · colsᵀ                 (K, C*KH*KW)
 *                           db  += Σ over images and positions of dY
 *                           dcols = Wᵀ · dY[n];   dx[n] = col2im(dcols)
 * </pre>
 * The columns are recomputed in backward instead of being kept for the whole batch: one
 * workspace sized for one image serves both directions (and holds dcols in backward). Backward
 * walks the batch from the last image, whose columns forward left in the workspace, so at batch
 * size 1 nothing is recomputed.
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
    private int colsImage = -1;                     // the image whose columns the workspace holds, or -1

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

    @Override
    public Tensor forward(Tensor input, boolean training) {
        int n = LayerChecks.batchOf(name, "input", input, inputShape);
        Tensor out = y.forBatch(n);                                          // (N, K, OH, OW)
        Tensor w2 = weights.value().reshape(g.k(), g.patch());               // (K, C*KH*KW)
        Tensor col = cols.get();                                             // (C*KH*KW, OH*OW)
        for (int i = 0; i < n; i++) {
            backend.im2col(input.slice(i), g, col);
            // y[i] = W · cols                                                  (K, OH*OW)
            backend.gemm(false, false, g.k(), g.positions(), g.patch(), 1, w2, col, 0, out.slice(i));
        }
        backend.addBias(out, bias.value(), n, g.k(), g.positions());
        x = input;
        batch = n;
        colsImage = n - 1;
        return out;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = LayerChecks.batchOf(name, "output gradient", dy, outputShape);
        LayerChecks.requireForward(name, batch, n);
        Tensor w2 = weights.value().reshape(g.k(), g.patch());               // (K, C*KH*KW)
        Tensor dw2 = weights.gradient().reshape(g.k(), g.patch());           // (K, C*KH*KW)
        Tensor col = cols.get();                                             // (C*KH*KW, OH*OW)
        Tensor dxs = dx == null ? null : dx.forBatch(n);                     // (N, C, H, W)
        if (dxs != null) backend.fill(dxs, 0);
        for (int i = n - 1; i >= 0; i--) {
            Tensor dyi = dy.slice(i);                                        // (K, OH, OW)
            if (colsImage != i) backend.im2col(x.slice(i), g, col);
            colsImage = i;
            // dW += dY[i] · colsᵀ
            backend.gemm(false, true, g.k(), g.patch(), g.positions(), 1, dyi, col, 1, dw2);
            if (dxs != null) {
                // dcols = Wᵀ · dY[i] (into the column workspace), then dx[i] += col2im(dcols)
                backend.gemm(true, false, g.patch(), g.positions(), g.k(), 1, w2, dyi, 0, col);
                colsImage = -1;
                backend.col2imAdd(col, g, dxs.slice(i));
            }
        }
        // db[k] += Σ over images i and positions p of dY[i][k][p]
        backend.biasGrad(dy, bias.gradient(), n, g.k(), g.positions());
        return dxs;
    }
}
