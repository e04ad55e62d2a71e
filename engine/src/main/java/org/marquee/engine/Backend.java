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
 *   <li>Backward primitives <b>write</b> the gradient of their input (dx), whatever it held,
 *       and <b>add</b> into the gradients of parameters (dw, db: {@code +=}), so a model sums a
 *       batch's parameter gradients in place; it zeroes them with {@link #fill} before a step.</li>
 *   <li>Shapes are given explicitly as ints where a primitive works on a flattened view; the
 *       backend checks that tensors are large enough.</li>
 *   <li>Dimension letters: N batch, C channels, K filters, H/W height/width, KH/KW kernel,
 *       OH/OW output.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /**
     * Short name: "reference", "cpu", "opencl".
     *
     * @return the backend's name, as {@code --backend} and {@link BackendProvider#name()} spell it
     */
    String name();

    /**
     * Human-readable description (device, threads, precision).
     *
     * @return one line naming the device, threads and precision
     */
    default String describe() { return name(); }

    /**
     * The floating-point type this backend stores and computes in.
     *
     * @return float32 or float64
     */
    Precision precision();

    // ---------------------------------------------------------------- memory

    /**
     * A new zero-filled tensor of the given shape; the caller owns it and releases it with {@link Tensor#close()}.
     *
     * @param shape the dimensions, each at least 1 (a rank-0 shape gives one element)
     * @return the new tensor, owned by the caller
     */
    Tensor allocate(int... shape);

    /**
     * Copies {@code src} (length = dst.size()) into {@code dst}.
     *
     * @param dst the tensor to fill
     * @param src host values in row-major order
     */
    void upload(Tensor dst, float[] src);

    /**
     * Copies {@code src} (length = dst.size()) into {@code dst}, rounding if the backend is float32.
     *
     * @param dst the tensor to fill
     * @param src host values in row-major order
     */
    void upload(Tensor dst, double[] src);

    /**
     * Copies a tensor to a new host array.
     *
     * @param src the tensor to read
     * @return its elements in row-major order, as float
     */
    float[] download(Tensor src);

    /**
     * Copies a tensor to a new host array in double precision.
     *
     * @param src the tensor to read
     * @return its elements in row-major order, as double
     */
    double[] downloadDoubles(Tensor src);

    /**
     * Sets every element of {@code dst} to {@code value}.
     *
     * @param dst the tensor to overwrite
     * @param value the value, rounded to the backend's precision
     */
    void fill(Tensor dst, double value);

    /**
     * {@code dst = src}; equal sizes, shapes may differ.
     *
     * @param src the tensor read
     * @param dst the tensor written, of the same size
     */
    void copy(Tensor src, Tensor dst);

    // ---------------------------------------------------------------- linear algebra

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} with C of shape (M, N), op(A) (M, K) and
     * op(B) (K, N). Row-major: A is stored (M, K), or (K, M) when {@code transA}; B is stored
     * (K, N), or (N, K) when {@code transB}. With {@code beta == 0} the old contents of C are
     * ignored (even NaN).
     *
     * @param transA whether A is stored transposed, (K, M)
     * @param transB whether B is stored transposed, (N, K)
     * @param m rows of C and of op(A)
     * @param n columns of C and of op(B)
     * @param k the inner dimension: columns of op(A), rows of op(B)
     * @param alpha the factor of the product
     * @param a the matrix A
     * @param b the matrix B
     * @param beta the factor of C's old contents (0: overwrite)
     * @param c the result C, (M, N)
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              double alpha, Tensor a, Tensor b, double beta, Tensor c);

    // ---------------------------------------------------------------- convolution helpers

    /**
     * Unfolds one image (C, H, W) into {@code cols} (C*KH*KW, OH*OW): row (c, i, j), column
     * (oy, ox) holds {@code image[c][oy*stride + i - pad][ox*stride + j - pad]}, or 0 in the padding.
     *
     * @param image one image (C, H, W) of the geometry
     * @param g the convolution's geometry
     * @param cols the unfolded patches, (C*KH*KW, OH*OW), overwritten
     */
    void im2col(Tensor image, ConvGeometry g, Tensor cols);

    /**
     * The adjoint of {@link #im2col}: adds every entry of {@code cols} back into {@code image} (C, H, W).
     *
     * @param cols the patch matrix, (C*KH*KW, OH*OW)
     * @param g the convolution's geometry
     * @param image the image (C, H, W) the patches are added into
     */
    void col2imAdd(Tensor cols, ConvGeometry g, Tensor image);

    // ---------------------------------------------------------------- convolution of a batch

    /**
     * This backend's plan for convolutions of geometry {@code g}: the route it takes and the
     * workspace that route needs (see {@link ConvPlan}). Every convolution primitive below takes
     * the plan; a layer makes one when the model is built and closes it with the model. The
     * default is the textbook route through {@link #im2col}, {@link #gemm} and {@link #col2imAdd}.
     *
     * @param g the convolution's geometry
     * @return the plan, which the caller closes
     */
    default ConvPlan planConv(ConvGeometry g) { return ConvPlan.textbook(this, g); }

    /**
     * The forward convolution of images 0..n-1: {@code y[i] = W · im2col(x[i]) + bias}, with x
     * (n, C, H, W), w (K, C*KH*KW), bias (K) and y (n, K, OH, OW). The default is the textbook
     * route through {@link #im2col}, {@link #gemm} and {@link #addBias}; a backend may compute the
     * same sums without unfolding, and add the bias as it writes y.
     *
     * @param plan the plan {@link #planConv} made for this geometry
     * @param x the input images, (n, C, H, W)
     * @param w the kernels, (K, C*KH*KW)
     * @param bias the biases, (K)
     * @param n the images in this batch
     * @param y the output, (n, K, OH, OW), overwritten
     */
    default void conv2d(ConvPlan plan, Tensor x, Tensor w, Tensor bias, int n, Tensor y) {
        plan.requireFor(this);
        ConvGeometry g = plan.geometry();
        Tensor cols = plan.columns();
        for (int i = 0; i < n; i++) {
            im2col(x.slice(i), g, cols);
            gemm(false, false, g.k(), g.positions(), g.patch(), 1, w, cols, 0, y.slice(i));
        }
        addBias(y, bias, n, g.k(), g.positions());
    }

    /**
     * {@link #conv2d}, then ReLU ({@code y = max(0, y)}), then 2x2 max pooling of y (as
     * {@link #maxPool2x2} over n*K planes of OH x OW)
     * into {@code pooled} and {@code argmax} (n, K, OH/2, OW/2). y itself is not returned: the
     * default writes it into the plan's {@link ConvPlan#output} and pools it from there; a backend
     * may instead pool each block of output rows while it is still in cache and never keep y.
     *
     * @param plan the plan {@link #planConv} made for this geometry
     * @param x the input images, (n, C, H, W)
     * @param w the kernels, (K, C*KH*KW)
     * @param bias the biases, (K)
     * @param n the images in this batch
     * @param pooled the pooled output, (n, K, OH/2, OW/2), overwritten
     * @param argmax each pooled element's winner in its window, 0..3, overwritten
     */
    default void conv2dMaxPool(ConvPlan plan, Tensor x, Tensor w, Tensor bias, int n, Tensor pooled, Tensor argmax) {
        ConvGeometry g = plan.geometry();
        Tensor y = plan.output(n);
        conv2d(plan, x, w, bias, n, y);
        relu(y, y);
        maxPool2x2(y, n * g.k(), g.oh(), g.ow(), pooled, argmax);
    }

    /**
     * The backward pass of a convolution whose output was max-pooled 2x2 ({@link #conv2dMaxPool}),
     * from the pooling's gradient {@code dpool} and winners {@code argmax} (n, K, OH/2, OW/2): dY
     * is what {@link #maxPool2x2Backward} writes (each window's gradient at its winner, 0
     * elsewhere), then {@link #conv2dWeightGrad} (adding into dw and db) and, unless dx is null,
     * {@link #conv2dInputGrad}. The default writes dY into the plan's
     * {@link ConvPlan#unpooledGradient} first; a backend may unpool the rows of dY as it reads them.
     *
     * @param plan the plan {@link #planConv} made for this geometry
     * @param x the forward pass's input images, (n, C, H, W)
     * @param dpool the gradient of the pooled output, (n, K, OH/2, OW/2)
     * @param argmax the winners {@link #conv2dMaxPool} recorded
     * @param w the kernels, (K, C*KH*KW)
     * @param n the images in this batch
     * @param dw the kernels' gradient, added into
     * @param db the biases' gradient, added into
     * @param dx the input gradient (n, C, H, W), overwritten; null to skip it
     */
    default void conv2dPooledBackward(ConvPlan plan, Tensor x, Tensor dpool, Tensor argmax, Tensor w, int n,
                                      Tensor dw, Tensor db, Tensor dx) {
        ConvGeometry g = plan.geometry();
        Tensor dy = plan.unpooledGradient(n);
        maxPool2x2Backward(dpool, argmax, n * g.k(), g.oh(), g.ow(), dy);
        conv2dWeightGrad(plan, x, dy, n, dw, db);
        if (dx != null) conv2dInputGrad(plan, dy, w, n, dx);
    }

    /**
     * The weight and bias gradients, added into dw and db: {@code dw += sum over i < n of
     * dy[i] · im2col(x[i])ᵀ} with dw (K, C*KH*KW), and {@code db[k] += sum over images and
     * positions of dy[i][k]}.
     *
     * @param plan the plan {@link #planConv} made for this geometry
     * @param x the forward pass's input images, (n, C, H, W)
     * @param dy the output gradient, (n, K, OH, OW)
     * @param n the images in this batch
     * @param dw the kernels' gradient (K, C*KH*KW), added into
     * @param db the biases' gradient (K), added into
     */
    default void conv2dWeightGrad(ConvPlan plan, Tensor x, Tensor dy, int n, Tensor dw, Tensor db) {
        plan.requireFor(this);
        ConvGeometry g = plan.geometry();
        Tensor cols = plan.columns();
        for (int i = 0; i < n; i++) {
            im2col(x.slice(i), g, cols);
            gemm(false, true, g.k(), g.patch(), g.positions(), 1, dy.slice(i), cols, 1, dw);
        }
        biasGrad(dy, db, n, g.k(), g.positions());
    }

    /**
     * The input gradient, overwritten: {@code dx[i] = col2im(Wᵀ · dy[i])} for i &lt; n, dx (n, C, H, W).
     *
     * @param plan the plan {@link #planConv} made for this geometry
     * @param dy the output gradient, (n, K, OH, OW)
     * @param w the kernels, (K, C*KH*KW)
     * @param n the images in this batch
     * @param dx the input gradient, (n, C, H, W)
     */
    default void conv2dInputGrad(ConvPlan plan, Tensor dy, Tensor w, int n, Tensor dx) {
        plan.requireFor(this);
        ConvGeometry g = plan.geometry();
        Tensor cols = plan.columns();
        for (int i = 0; i < n; i++) {
            Tensor dxi = dx.slice(i);
            fill(dxi, 0);
            gemm(true, false, g.patch(), g.positions(), g.k(), 1, w, dy.slice(i), 0, cols);
            col2imAdd(cols, g, dxi);
        }
    }

    /**
     * {@code y[o][c][i] += bias[c]} for y viewed as (outer, channels, inner).
     *
     * @param y the tensor the biases are added into
     * @param bias one bias per channel
     * @param outer the size of the leading dimension (batch)
     * @param channels the number of channels (the bias's length)
     * @param inner the elements per channel (H*W, or 1 after a dense layer)
     */
    void addBias(Tensor y, Tensor bias, int outer, int channels, int inner);

    /**
     * {@code dBias[c] += sum over o, i of dy[o][c][i]} for dy viewed as (outer, channels, inner).
     *
     * @param dy the output gradient
     * @param dBias the bias gradient, added into
     * @param outer the size of the leading dimension (batch)
     * @param channels the number of channels (dBias's length)
     * @param inner the elements per channel (H*W, or 1 after a dense layer)
     */
    void biasGrad(Tensor dy, Tensor dBias, int outer, int channels, int inner);

    // ---------------------------------------------------------------- activations

    /**
     * {@code y = max(x, 0)}; {@code y} may be {@code x}.
     *
     * @param x the input
     * @param y the output, of x's size
     */
    void relu(Tensor x, Tensor y);

    /**
     * {@code dx = dy * (y > 0)}, where y is the ReLU output (the old contents of dx are ignored,
     * even NaN). dx may be dy itself (the ReLU layer works in place between two layers) but must
     * not partly overlap y or dy.
     *
     * @param y the ReLU's output
     * @param dy the gradient of the ReLU's output
     * @param dx the gradient of its input, overwritten
     */
    void reluBackward(Tensor y, Tensor dy, Tensor dx);

    /**
     * {@code y = 1 / (1 + exp(-x))}; {@code y} may be {@code x}.
     *
     * @param x the logits
     * @param y the probabilities, of x's size
     */
    void sigmoid(Tensor x, Tensor y);

    // ---------------------------------------------------------------- pooling

    /**
     * 2x2 max pooling with stride 2 over x viewed as (planes, H, W) into y (planes, H/2, W/2)
     * (floor: a trailing odd row or column is ignored). {@code argmax} has y's size and receives
     * the winner's position in its window, 0..3 = (dy*2 + dx); the first maximum wins ties.
     *
     * @param x the input, viewed as (planes, H, W)
     * @param planes the number of planes (N*C)
     * @param h the input height
     * @param w the input width
     * @param y the pooled output, (planes, H/2, W/2)
     * @param argmax the winners, of y's size, 0..3
     */
    void maxPool2x2(Tensor x, int planes, int h, int w, Tensor y, Tensor argmax);

    /**
     * Routes each {@code dy} to its window's winner: dx (planes, H, W) is overwritten, each winner
     * getting its window's dy and every other element (losers, a trailing odd row or column) 0,
     * whatever dx held before. dx must not overlap dy or argmax.
     *
     * @param dy the gradient of the pooled output, (planes, H/2, W/2)
     * @param argmax the winners {@link #maxPool2x2} recorded
     * @param planes the number of planes (N*C)
     * @param h the input height
     * @param w the input width
     * @param dx the input gradient, (planes, H, W)
     */
    void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx);

    // ---------------------------------------------------------------- dropout and elementwise

    /**
     * Writes the inverted-dropout mask for (seed, step): element i is
     * {@link DropoutHash#maskValue(long, long, long, double) DropoutHash.maskValue(seed, step, first + i, rate)}.
     * {@code first} is the index of the mask's first element in a larger batch it is a part of (0
     * for a whole batch): a batch split into shards, each shard on its own replica, draws exactly
     * the mask of the whole batch.
     *
     * @param mask the mask written: 0 or 1 / (1 - rate) per element
     * @param seed the run's seed
     * @param step the training step
     * @param first the index of the mask's first element in the whole batch
     * @param rate the probability of dropping an element, in [0, 1)
     */
    void dropoutMask(Tensor mask, long seed, long step, long first, double rate);

    /**
     * {@link #dropoutMask(Tensor, long, long, long, double)} for a whole batch (first = 0).
     *
     * @param mask the mask written: 0 or 1 / (1 - rate) per element
     * @param seed the run's seed
     * @param step the training step
     * @param rate the probability of dropping an element, in [0, 1)
     */
    default void dropoutMask(Tensor mask, long seed, long step, double rate) {
        dropoutMask(mask, seed, step, 0, rate);
    }

    /**
     * {@code out = a * b} elementwise; {@code out} may be {@code a} or {@code b}.
     *
     * @param a the first factor
     * @param b the second factor, of a's size
     * @param out the product, of a's size
     */
    void multiply(Tensor a, Tensor b, Tensor out);

    // ---------------------------------------------------------------- loss and optimizer

    /**
     * Fused sigmoid + binary cross-entropy on logits, averaged over every element (batch x labels):
     * {@code loss = mean(max(z,0) - z*t + log(1 + exp(-|z|)))}. Writes (not adds)
     * {@code grad = (sigmoid(z) - t) / size}. Returns the mean loss.
     *
     * @param logits the logits z, (batch, labels)
     * @param targets the targets t in [0, 1], of the logits' size
     * @param grad the loss's gradient with respect to z, written
     * @return the mean loss over every element
     */
    double sigmoidCrossEntropy(Tensor logits, Tensor targets, Tensor grad);

    /**
     * {@link #sigmoidCrossEntropy} with the loss read later: the gradient is written as there, and
     * the returned supplier gives the mean loss. A device backend enqueues the loss without
     * waiting for it, so a training step can enqueue its backward pass and update before the host
     * waits for the number; the supplier reads it when first asked (and may refuse when asked too
     * late, see the backend). The default computes it now.
     *
     * @param logits  the model's outputs (N, G)
     * @param targets the 0/1 labels (N, G)
     * @param grad    receives dL/dlogits (N, G)
     * @return the mean loss, read when asked
     */
    default java.util.function.DoubleSupplier sigmoidCrossEntropyLater(Tensor logits, Tensor targets, Tensor grad) {
        double loss = sigmoidCrossEntropy(logits, targets, grad);
        return () -> loss;
    }

    /**
     * Fused softmax + cross-entropy on logits viewed as (rows, classes), one example per row,
     * averaged over every element (rows x classes), the convention {@link #sigmoidCrossEntropy}
     * follows. For row r with logits z and targets t (normally one-hot), with the row's largest
     * logit m subtracted before exponentiating so that exp never overflows:
     * <pre>
     *   lse    = m + log(sum over k of exp(z_k - m))        p_c = exp(z_c - lse)
     *   loss_r = sum over c of t_c * (lse - z_c)            (= -sum t_c log p_c)
     *   loss   = (sum over rows of loss_r) / (rows * classes)
     *   grad_c = (p_c * (sum over k of t_k) - t_c) / (rows * classes)   (p_c - t_c for one-hot t)
     * </pre>
     * Writes (not adds) grad; returns the mean loss.
     *
     * @param logits the logits z, (rows, classes)
     * @param targets the targets t, of the logits' size, each row normally one-hot
     * @param grad the loss's gradient with respect to z, written
     * @param classes the number of classes C, dividing the logits' size
     * @return the loss summed over each row's classes, averaged over rows and classes
     */
    double softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor grad, int classes);

    /**
     * {@link #softmaxCrossEntropy} with the loss read later, as {@link #sigmoidCrossEntropyLater}
     * does for its loss. The default computes it now.
     *
     * @param logits the logits z, (rows, classes)
     * @param targets the targets t, of the logits' size
     * @param grad the loss's gradient with respect to z, written
     * @param classes the number of classes C, dividing the logits' size
     * @return the mean loss, read when asked
     */
    default java.util.function.DoubleSupplier softmaxCrossEntropyLater(Tensor logits, Tensor targets, Tensor grad, int classes) {
        double loss = softmaxCrossEntropy(logits, targets, grad, classes);
        return () -> loss;
    }

    /**
     * Mean squared error over every element: {@code loss = mean((y - t)^2)}. Writes (not adds)
     * {@code grad = 2 (y - t) / size}. Returns the mean loss.
     *
     * @param outputs the model's outputs y
     * @param targets the targets t, of y's size
     * @param grad the loss's gradient with respect to y, written
     * @return the mean of (y - t)^2 over every element
     */
    double meanSquaredError(Tensor outputs, Tensor targets, Tensor grad);

    /**
     * {@link #meanSquaredError} with the loss read later, as {@link #sigmoidCrossEntropyLater}
     * does for its loss. The default computes it now.
     *
     * @param outputs the model's outputs y
     * @param targets the targets t, of y's size
     * @param grad the loss's gradient with respect to y, written
     * @return the mean loss, read when asked
     */
    default java.util.function.DoubleSupplier meanSquaredErrorLater(Tensor outputs, Tensor targets, Tensor grad) {
        double loss = meanSquaredError(outputs, targets, grad);
        return () -> loss;
    }

    /**
     * Sum of squares of all elements, accumulated in double precision.
     *
     * @param x the tensor
     * @return the sum of x[i]^2 over every element
     */
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
     *
     * @param params the parameters p, updated in place
     * @param grads their gradients
     * @param m the first-moment estimates, updated
     * @param v the second-moment estimates, updated
     * @param config learning rate, betas and epsilon
     * @param t the step number, from 1
     * @param gradScale the factor applied to every gradient (clipping), 1 for none
     */
    void adamStep(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig config, long t, double gradScale);

    /**
     * One step of stochastic gradient descent with momentum over a contiguous block, velocity
     * first and the learning rate outside it (PyTorch's form; see {@link SgdConfig}):
     * <pre>
     *   g  = gradScale * grad
     *   v  = momentum*v + g
     *   p -= lr * v                      or, with Nesterov momentum,  p -= lr * (g + momentum*v)
     * </pre>
     * {@code gradScale} carries gradient clipping by global norm (1 when not clipping).
     *
     * @param params the parameters p, updated in place
     * @param grads their gradients
     * @param velocity the velocities v, updated
     * @param config learning rate, momentum and whether it is Nesterov's
     * @param gradScale the factor applied to every gradient (clipping), 1 for none
     */
    void sgdStep(Tensor params, Tensor grads, Tensor velocity, SgdConfig config, double gradScale);

    /** Waits for queued work (a no-op on host backends). */
    default void synchronize() {}

    /** Releases backend resources (threads, device context). */
    @Override
    default void close() {}
}
