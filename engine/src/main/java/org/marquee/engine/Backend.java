package org.marquee.engine;

/**
 * The primitives every backend implements. Layers are written once over this interface; a backend
 * never sees a layer.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>All tensors are row-major and contiguous; a tensor may be a view (offset) into a larger
 *       storage, and every primitive honours {@link Tensor#offset()}.</li>
 *   <li>Tensors passed to one backend must have been allocated by it.</li>
 *   <li>Backward primitives <b>add</b> into their gradient outputs ({@code +=}); callers zero
 *       gradients with {@link #fill} when they need a fresh sum.</li>
 *   <li>Shapes are given explicitly as ints where a primitive works on a flattened view; the
 *       backend checks that tensors are large enough.</li>
 *   <li>Dimension letters: N batch, C channels, K filters, H/W height/width, KH/KW kernel,
 *       OH/OW output.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** Short name: "reference", "cpu", "opencl". */
    String name();

    /** Human-readable description (device, threads, precision). */
    default String describe() { return name(); }

    // ---------------------------------------------------------------- memory

    /** A new zero-filled tensor of the given shape. */
    Tensor allocate(int... shape);

    /** Copies {@code src} (length = dst.size()) into {@code dst}. */
    void upload(Tensor dst, float[] src);

    /** Copies {@code src} (length = dst.size()) into {@code dst}, rounding if the backend is float32. */
    void upload(Tensor dst, double[] src);

    /** Copies a tensor to a new host array. */
    float[] download(Tensor src);

    /** Copies a tensor to a new host array in double precision. */
    double[] downloadDoubles(Tensor src);

    /** Sets every element of {@code dst} to {@code value}. */
    void fill(Tensor dst, double value);

    /** {@code dst = src}; equal sizes, shapes may differ. */
    void copy(Tensor src, Tensor dst);

    // ---------------------------------------------------------------- linear algebra

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} with C of shape (M, N), op(A) (M, K) and
     * op(B) (K, N). Row-major: A is stored (M, K), or (K, M) when {@code transA}; B is stored
     * (K, N), or (N, K) when {@code transB}. With {@code beta == 0} the old contents of C are
     * ignored (even NaN).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              double alpha, Tensor a, Tensor b, double beta, Tensor c);

    // ---------------------------------------------------------------- convolution helpers

    /**
     * Unfolds one image (C, H, W) into {@code cols} (C*KH*KW, OH*OW): row (c, i, j), column
     * (oy, ox) holds {@code image[c][oy*stride + i - pad][ox*stride + j - pad]}, or 0 in the padding.
     */
    void im2col(Tensor image, ConvGeometry g, Tensor cols);

    /** The adjoint of {@link #im2col}: adds every entry of {@code cols} back into {@code image} (C, H, W). */
    void col2imAdd(Tensor cols, ConvGeometry g, Tensor image);

    // ---------------------------------------------------------------- convolution of a batch

    /**
     * Whether {@link #conv2d}, {@link #conv2dWeightGrad} and {@link #conv2dInputGrad} need the
     * column workspace {@code cols} (C*KH*KW, OH*OW) for this geometry. When false they accept
     * {@code null} there. The defaults below always need it.
     */
    default boolean convNeedsColumns(ConvGeometry g) { return true; }

    /**
     * The forward convolution of images 0..n-1: {@code y[i] = W · im2col(x[i]) + bias}, with x
     * (n, C, H, W), w (K, C*KH*KW), bias (K) and y (n, K, OH, OW); with {@code relu}, then
     * {@code y = max(0, y)}. The default is the textbook route through {@link #im2col},
     * {@link #gemm}, {@link #addBias} and {@link #relu}; a backend may compute the same sums
     * without unfolding, and apply bias and ReLU as it writes y.
     */
    default void conv2d(Tensor x, Tensor w, Tensor bias, ConvGeometry g, int n, Tensor y, Tensor cols, boolean relu) {
        for (int i = 0; i < n; i++) {
            im2col(x.slice(i), g, cols);
            gemm(false, false, g.k(), g.positions(), g.patch(), 1, w, cols, 0, y.slice(i));
        }
        addBias(y, bias, n, g.k(), g.positions());
        if (relu) relu(y, y);
    }

    /**
     * Whether {@link #conv2dMaxPool} needs the full output y for this geometry. When false it
     * accepts {@code null} there and keeps each block of y only while it pools it: a model whose
     * Conv2D (and ReLU) feeds a max pooling needs y for nothing else, as the pooling's backward
     * pass finds its winners in argmax and the ReLU's mask in the pooled values. The default needs it.
     */
    default boolean conv2dMaxPoolNeedsOutput(ConvGeometry g) { return true; }

    /**
     * {@link #conv2d}, then 2x2 max pooling of y (as {@link #maxPool2x2} over n*K planes of OH x OW)
     * into {@code pooled} and {@code argmax} (n, K, OH/2, OW/2). y is written too, unless it is
     * null, which is allowed where {@link #conv2dMaxPoolNeedsOutput} is false. A backend may pool
     * each block of output rows while it is still in cache.
     */
    default void conv2dMaxPool(Tensor x, Tensor w, Tensor bias, ConvGeometry g, int n, Tensor y, Tensor cols,
                               boolean relu, Tensor pooled, Tensor argmax) {
        conv2d(x, w, bias, g, n, y, cols, relu);
        maxPool2x2(y, n * g.k(), g.oh(), g.ow(), pooled, argmax);
    }

    /**
     * Whether {@link #conv2dPooledBackward} reads the pooling's gradient directly for this
     * geometry, unpooling the rows of dY as it needs them; then its workspace {@code dy} may be
     * null. The default unpools into the workspace.
     */
    default boolean convUnpools(ConvGeometry g) { return false; }

    /**
     * The backward pass of a convolution whose output was max-pooled 2x2 ({@link #conv2dMaxPool}),
     * from the pooling's gradient {@code dpool} and winners {@code argmax} (n, K, OH/2, OW/2): dY
     * is what {@link #maxPool2x2Backward} writes (each window's gradient at its winner, 0
     * elsewhere), then {@link #conv2dWeightGrad} (accumulating dw and db) and, unless dx is null,
     * {@link #conv2dInputGrad}. The default writes dY into the workspace {@code dy} (n, K, OH, OW)
     * first; where {@link #convUnpools} is true, dy may be null.
     */
    default void conv2dPooledBackward(Tensor x, Tensor dpool, Tensor argmax, Tensor w, ConvGeometry g, int n,
                                      Tensor dw, Tensor db, Tensor dx, Tensor dy, Tensor cols) {
        maxPool2x2Backward(dpool, argmax, n * g.k(), g.oh(), g.ow(), dy, false);
        conv2dWeightGrad(x, dy, g, n, dw, db, cols);
        if (dx != null) conv2dInputGrad(dy, w, g, n, dx, cols);
    }

    /**
     * The weight and bias gradients, accumulated: {@code dw += sum over i < n of dy[i] · im2col(x[i])ᵀ}
     * with dw (K, C*KH*KW), and {@code db[k] += sum over images and positions of dy[i][k]}.
     */
    default void conv2dWeightGrad(Tensor x, Tensor dy, ConvGeometry g, int n, Tensor dw, Tensor db, Tensor cols) {
        for (int i = 0; i < n; i++) {
            im2col(x.slice(i), g, cols);
            gemm(false, true, g.k(), g.patch(), g.positions(), 1, dy.slice(i), cols, 1, dw);
        }
        biasGrad(dy, db, n, g.k(), g.positions());
    }

    /** The input gradient, overwritten: {@code dx[i] = col2im(Wᵀ · dy[i])} for i < n, dx (n, C, H, W). */
    default void conv2dInputGrad(Tensor dy, Tensor w, ConvGeometry g, int n, Tensor dx, Tensor cols) {
        for (int i = 0; i < n; i++) {
            Tensor dxi = dx.slice(i);
            fill(dxi, 0);
            gemm(true, false, g.patch(), g.positions(), g.k(), 1, w, dy.slice(i), 0, cols);
            col2imAdd(cols, g, dxi);
        }
    }

    /** {@code y[o][c][i] += bias[c]} for y viewed as (outer, channels, inner). */
    void addBias(Tensor y, Tensor bias, int outer, int channels, int inner);

    /** {@code dBias[c] += sum over o, i of dy[o][c][i]} for dy viewed as (outer, channels, inner). */
    void biasGrad(Tensor dy, Tensor dBias, int outer, int channels, int inner);

    // ---------------------------------------------------------------- activations

    /** {@code y = max(x, 0)}; {@code y} may be {@code x}. */
    void relu(Tensor x, Tensor y);

    /** {@code dx += dy * (y > 0)}, where y is the ReLU output. */
    void reluBackward(Tensor y, Tensor dy, Tensor dx);

    /**
     * {@code dx += dy * (y > 0)} when {@code accumulate}, else {@code dx = dy * (y > 0)} (the old
     * contents of dx are ignored, even NaN), sparing the caller a zero fill. dx may be dy itself
     * (the ReLU layer works in place between two layers) but must not partly overlap y or dy.
     * The default fills dx with 0 and calls {@link #reluBackward(Tensor, Tensor, Tensor)}, which
     * is only right when dx is a separate buffer: a backend overrides it.
     */
    default void reluBackward(Tensor y, Tensor dy, Tensor dx, boolean accumulate) {
        if (!accumulate) fill(dx, 0);
        reluBackward(y, dy, dx);
    }

    /** {@code y = 1 / (1 + exp(-x))}; {@code y} may be {@code x}. */
    void sigmoid(Tensor x, Tensor y);

    // ---------------------------------------------------------------- pooling

    /**
     * 2x2 max pooling with stride 2 over x viewed as (planes, H, W) into y (planes, H/2, W/2)
     * (floor: a trailing odd row or column is ignored). {@code argmax} has y's size and receives
     * the winner's position in its window, 0..3 = (dy*2 + dx); the first maximum wins ties.
     */
    void maxPool2x2(Tensor x, int planes, int h, int w, Tensor y, Tensor argmax);

    /** Routes each {@code dy} to its window's winner: {@code dx[winner] += dy}. */
    void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx);

    /**
     * As {@link #maxPool2x2Backward(Tensor, Tensor, int, int, int, Tensor)} when {@code accumulate};
     * otherwise dx (planes, H, W) is overwritten: each winner gets its window's dy, every other
     * element (losers, a trailing odd row or column) 0, whatever dx held before. dx must not
     * overlap dy or argmax. The default fills dx with 0 and routes.
     */
    default void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx, boolean accumulate) {
        if (!accumulate) fill(dx, 0);
        maxPool2x2Backward(dy, argmax, planes, h, w, dx);
    }

    // ---------------------------------------------------------------- dropout and elementwise

    /**
     * Writes the inverted-dropout mask for (seed, step): element i is
     * {@link DropoutHash#maskValue(long, long, long, double) DropoutHash.maskValue(seed, step, i, rate)}.
     */
    void dropoutMask(Tensor mask, long seed, long step, double rate);

    /** {@code out = a * b} elementwise, or {@code out += a * b} when {@code accumulate}; {@code out} may be {@code a} or {@code b}. */
    void multiply(Tensor a, Tensor b, Tensor out, boolean accumulate);

    // ---------------------------------------------------------------- loss and optimizer

    /**
     * Fused sigmoid + binary cross-entropy on logits, averaged over every element (batch x labels):
     * {@code loss = mean(max(z,0) - z*t + log(1 + exp(-|z|)))}. Writes (not adds)
     * {@code grad = (sigmoid(z) - t) / size}. Returns the mean loss.
     */
    double sigmoidCrossEntropy(Tensor logits, Tensor targets, Tensor grad);

    /** Sum of squares of all elements, accumulated in double precision. */
    double sumOfSquares(Tensor x);

    /**
     * One Adam step over a contiguous block, with bias correction at step {@code t} (1-based),
     * in the form Keras uses (epsilon added to the uncorrected sqrt(v)):
     * <pre>
     *   g  = gradScale * grad
     *   m  = beta1*m + (1-beta1)*g          v = beta2*v + (1-beta2)*g*g
     *   p -= lr * sqrt(1-beta2^t) / (1-beta1^t) * m / (sqrt(v) + epsilon)
     * </pre>
     * {@code gradScale} carries gradient clipping by global norm (1 when not clipping).
     */
    void adamStep(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig config, long t, double gradScale);

    /** Waits for queued work (a no-op on host backends). */
    default void synchronize() {}

    /** Releases backend resources (threads, device context). */
    @Override
    default void close() {}
}
