package org.marquee.engine.cpu;

import static org.marquee.engine.TensorChecks.requireSize;
import static org.marquee.engine.TensorChecks.requireUploadLength;
import static org.marquee.engine.TensorChecks.sameSize;

import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Precision;
import org.marquee.engine.SgdConfig;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;

/**
 * The CPU backend: float32 host arrays, a fixed pool of worker threads, Vector API kernels.
 *
 * <p>This class owns memory and argument checking; the arithmetic lives in a {@link CpuKernels}:
 * {@link FastKernels} by default, or the plain loops of {@link ScalarKernels} when the options ask
 * for the scalar twin (the readable twin, used to test and debug the fast path). How it computes is
 * set by its {@link CpuOptions}, given to the constructor; the constructors without options take
 * {@link CpuOptions#defaults()} and read nothing (no system property, no tuning cache).
 */
public final class CpuBackend implements Backend {
    /** System property that forces the scalar twin ({@link CpuOptions#scalar()}). */
    public static final String SCALAR_PROPERTY = CpuOptions.SCALAR_PROPERTY;
    /**
     * System property that turns off the direct convolution, so that every convolution goes
     * through im2col, gemm and col2im (for comparison; the scalar path always does).
     */
    public static final String IM2COL_PROPERTY = CpuOptions.IM2COL_PROPERTY;

    private final CpuOptions options;
    private final int threads;
    private final boolean scalar;
    private final CpuKernels kernels;
    private boolean closed;                 // set by close(): every later use of a tensor fails
    private final DirectConv conv;       // null: convolutions go through im2col

    /** All processors, the other options {@link CpuOptions#defaults()}. */
    public CpuBackend() { this(0); }

    /**
     * {@code threads} workers (0 = all processors), the other options {@link CpuOptions#defaults()}.
     *
     * @param threads worker threads, 0 = all processors
     */
    public CpuBackend(int threads) { this(CpuOptions.defaults().withThreads(threads)); }

    /**
     * A backend that computes as {@code options} say; its worker threads start here.
     *
     * @param options threads, kernels and GEMM blocks
     */
    public CpuBackend(CpuOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.threads = options.threads() == 0 ? Runtime.getRuntime().availableProcessors() : options.threads();
        this.scalar = options.scalar();
        WorkerPool pool = scalar ? null : new WorkerPool(this.threads);
        this.kernels = scalar ? new ScalarKernels() : new FastKernels(pool, options);
        this.conv = scalar || options.im2col() ? null : new DirectConv(pool, options.tuning());
    }

    /**
     * The options this backend was built with (threads as given: 0 = all processors).
     *
     * @return the options
     */
    public CpuOptions options() { return options; }

    @Override public String name() { return "cpu"; }
    @Override public Precision precision() { return Precision.FLOAT32; }

    @Override
    public String describe() {
        return scalar ? "cpu (float32, scalar loops, 1 thread)"
                : "cpu (float32, " + MicroKernel.S.vectorBitSize() + "-bit vectors, " + threads + " threads)";
    }

    /**
     * The worker threads that share a primitive's work (1 for the scalar twin).
     *
     * @return the number of threads
     */
    public int threads() { return scalar ? 1 : threads; }
    /**
     * Whether every primitive runs its plain scalar twin instead of the Vector API kernel.
     *
     * @return true for the scalar twin
     */
    public boolean isScalar() { return scalar; }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor allocate(int... shape) {
        long n = Shapes.size(shape);
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor too large for the cpu backend: " + n + " elements");
        return Tensor.of(this, new FloatStorage((int) n), shape);
    }

    private float[] data(Tensor t) {
        if (t.backend() != this) throw new IllegalArgumentException(t + " does not belong to this cpu backend");
        if (closed) throw new IllegalStateException("this cpu backend was closed; " + t + " can no longer be used");
        return ((FloatStorage) t.storage()).data();
    }

    private static int off(Tensor t) { return (int) t.offset(); }

    /** The tensor's storage and offset, as the kernels take them. */
    private Slice slice(Tensor t) { return new Slice(data(t), off(t)); }

    @Override
    public void upload(Tensor dst, float[] src) {
        requireUploadLength(dst, src.length);
        System.arraycopy(src, 0, data(dst), off(dst), src.length);
    }

    @Override
    public void upload(Tensor dst, double[] src) {
        requireUploadLength(dst, src.length);
        float[] d = data(dst);
        int o = off(dst);
        for (int i = 0; i < src.length; i++) d[o + i] = (float) src[i];
    }

    @Override
    public float[] download(Tensor src) {
        float[] out = new float[src.intSize()];
        System.arraycopy(data(src), off(src), out, 0, out.length);
        return out;
    }

    @Override
    public double[] downloadDoubles(Tensor src) {
        float[] d = data(src);
        double[] out = new double[src.intSize()];
        for (int i = 0; i < out.length; i++) out[i] = d[off(src) + i];
        return out;
    }

    @Override
    public void fill(Tensor dst, double value) {
        kernels.fill(data(dst), off(dst), dst.intSize(), (float) value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        sameSize("copy", src, dst);
        System.arraycopy(data(src), off(src), data(dst), off(dst), src.intSize());
    }

    // ---------------------------------------------------------------- compute

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        if (m <= 0 || n <= 0 || k <= 0) throw new IllegalArgumentException("gemm sizes must be positive: m=" + m + " n=" + n + " k=" + k);
        requireSize("gemm A", a, (long) m * k);
        requireSize("gemm B", b, (long) k * n);
        requireSize("gemm C", c, (long) m * n);
        GemmOperands op = new GemmOperands(transA, transB, m, n, k, (float) alpha, slice(a), slice(b));
        kernels.gemm(op, (float) beta, slice(c));
    }

    @Override
    public void im2col(Tensor image, ConvGeometry g, Tensor cols) {
        requireSize("im2col image", image, (long) g.c() * g.h() * g.w());
        requireSize("im2col cols", cols, (long) g.patch() * g.positions());
        kernels.im2col(data(image), off(image), g, data(cols), off(cols));
    }

    @Override
    public void col2imAdd(Tensor cols, ConvGeometry g, Tensor image) {
        requireSize("col2im image", image, (long) g.c() * g.h() * g.w());
        requireSize("col2im cols", cols, (long) g.patch() * g.positions());
        kernels.col2imAdd(data(cols), off(cols), g, data(image), off(image));
    }

    /**
     * The direct convolution (stride 1, padding smaller than the kernel: {@link DirectConv})
     * needs no workspace from the plan, and its pooling and the pooled backward never hold the
     * full output or its gradient; any other geometry, and the scalar twin, take the textbook route.
     */
    @Override
    public ConvPlan planConv(ConvGeometry g) {
        return conv != null && DirectConv.supports(g) ? new DirectPlan(this, g) : ConvPlan.textbook(this, g);
    }

    /** A plan for {@link DirectConv}, which keeps its own per-thread workspace. */
    private static final class DirectPlan extends ConvPlan {
        DirectPlan(CpuBackend backend, ConvGeometry g) { super(backend, g, ConvPlan.Route.DIRECT, false, false, false); }
    }

    /** Whether {@code plan} is this backend's direct route; checks that the plan is this backend's. */
    private static boolean direct(ConvPlan plan, CpuBackend self) {
        plan.requireFor(self);
        return plan instanceof DirectPlan;
    }

    /** Checks the batch and the sizes of the input (or its gradient) x and the kernel w. */
    private void requireConv(ConvGeometry g, int n, Tensor x, Tensor w) {
        if (n <= 0) throw new IllegalArgumentException("convolution batch must be positive: " + n);
        requireSize("conv input", x, (long) n * g.c() * g.h() * g.w());
        requireSize("conv kernel", w, (long) g.k() * g.patch());
    }

    /** As {@link #requireConv(ConvGeometry, int, Tensor, Tensor)}, and the output (or its gradient) y. */
    private void requireConv(ConvGeometry g, int n, Tensor x, Tensor w, Tensor y) {
        requireConv(g, n, x, w);
        requireSize("conv output", y, (long) n * g.k() * g.positions());
    }

    /** Checks two (n, K, OH/2, OW/2) tensors of a convolution's 2x2 max pooling: values (or their gradient) and winners. */
    private static void requirePooled(ConvGeometry g, int n, String valuesName, Tensor values, String winnersName, Tensor winners) {
        long size = (long) n * g.k() * (g.oh() / 2) * (g.ow() / 2);
        requireSize(valuesName, values, size);
        requireSize(winnersName, winners, size);
    }

    @Override
    public void conv2d(ConvPlan plan, Tensor x, Tensor w, Tensor bias, int n, Tensor y) {
        if (!direct(plan, this)) { Backend.super.conv2d(plan, x, w, bias, n, y); return; }
        ConvGeometry g = plan.geometry();
        requireConv(g, n, x, w, y);
        requireSize("conv bias", bias, g.k());
        conv.forward(new ConvInput(g, n, slice(x), slice(w), slice(bias)), slice(y));
    }

    @Override
    public void conv2dMaxPool(ConvPlan plan, Tensor x, Tensor w, Tensor bias, int n, Tensor pooled, Tensor argmax) {
        if (!direct(plan, this)) { Backend.super.conv2dMaxPool(plan, x, w, bias, n, pooled, argmax); return; }
        ConvGeometry g = plan.geometry();
        requireConv(g, n, x, w);
        requireSize("conv bias", bias, g.k());
        requirePooled(g, n, "maxPool y", pooled, "maxPool argmax", argmax);
        conv.forwardPooled(new ConvInput(g, n, slice(x), slice(w), slice(bias)), new Pooled(slice(pooled), slice(argmax)));
    }

    @Override
    public void conv2dWeightGrad(ConvPlan plan, Tensor x, Tensor dy, int n, Tensor dw, Tensor db) {
        if (!direct(plan, this)) { Backend.super.conv2dWeightGrad(plan, x, dy, n, dw, db); return; }
        ConvGeometry g = plan.geometry();
        requireConv(g, n, x, dw, dy);
        requireSize("conv bias gradient", db, g.k());
        conv.weightGrad(g, n, slice(x), ConvGradient.plain(slice(dy)), slice(dw), slice(db));
    }

    @Override
    public void conv2dInputGrad(ConvPlan plan, Tensor dy, Tensor w, int n, Tensor dx) {
        if (!direct(plan, this)) { Backend.super.conv2dInputGrad(plan, dy, w, n, dx); return; }
        ConvGeometry g = plan.geometry();
        requireConv(g, n, dx, w, dy);
        conv.inputGrad(g, n, ConvGradient.plain(slice(dy)), slice(w), slice(dx));
    }

    @Override
    public void conv2dPooledBackward(ConvPlan plan, Tensor x, Tensor dpool, Tensor argmax, Tensor w, int n,
                                     Tensor dw, Tensor db, Tensor dx) {
        if (!direct(plan, this)) { Backend.super.conv2dPooledBackward(plan, x, dpool, argmax, w, n, dw, db, dx); return; }
        ConvGeometry g = plan.geometry();
        requireConv(g, n, x, dw);
        requireSize("conv bias gradient", db, g.k());
        requirePooled(g, n, "pooled gradient", dpool, "pooled winners", argmax);
        ConvGradient pooledDy = ConvGradient.pooled(new Pooled(slice(dpool), slice(argmax)));
        conv.weightGrad(g, n, slice(x), pooledDy, slice(dw), slice(db));
        if (dx != null) {
            requireConv(g, n, dx, w);
            conv.inputGrad(g, n, pooledDy, slice(w), slice(dx));
        }
    }

    @Override
    public void addBias(Tensor y, Tensor bias, int outer, int channels, int inner) {
        requireSize("addBias y", y, (long) outer * channels * inner);
        requireSize("addBias bias", bias, channels);
        kernels.addBias(data(y), off(y), data(bias), off(bias), outer, channels, inner);
    }

    @Override
    public void biasGrad(Tensor dy, Tensor dBias, int outer, int channels, int inner) {
        requireSize("biasGrad dy", dy, (long) outer * channels * inner);
        requireSize("biasGrad dBias", dBias, channels);
        kernels.biasGrad(data(dy), off(dy), data(dBias), off(dBias), outer, channels, inner);
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        sameSize("relu", x, y);
        kernels.relu(data(x), off(x), data(y), off(y), x.intSize());
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        sameSize("reluBackward", y, dy);
        sameSize("reluBackward", y, dx);
        kernels.reluBackward(data(y), off(y), data(dy), off(dy), data(dx), off(dx), y.intSize());
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        sameSize("sigmoid", x, y);
        kernels.sigmoid(data(x), off(x), data(y), off(y), x.intSize());
    }

    @Override
    public void maxPool2x2(Tensor x, int planes, int h, int w, Tensor y, Tensor argmax) {
        long out = (long) planes * (h / 2) * (w / 2);
        requireSize("maxPool x", x, (long) planes * h * w);
        requireSize("maxPool y", y, out);
        requireSize("maxPool argmax", argmax, out);
        kernels.maxPool2x2(slice(x), planes, h, w, new Pooled(slice(y), slice(argmax)));
    }

    @Override
    public void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx) {
        long out = (long) planes * (h / 2) * (w / 2);
        requireSize("maxPoolBackward dy", dy, out);
        requireSize("maxPoolBackward argmax", argmax, out);
        requireSize("maxPoolBackward dx", dx, (long) planes * h * w);
        kernels.maxPool2x2Backward(new Pooled(slice(dy), slice(argmax)), planes, h, w, slice(dx));
    }

    @Override
    public void dropoutMask(Tensor mask, long seed, long step, long first, double rate) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("dropout rate must be in [0, 1): " + rate);
        if (first < 0) throw new IllegalArgumentException("first mask index must be at least 0: " + first);
        kernels.dropoutMask(data(mask), off(mask), mask.intSize(), seed, step, first, rate);
    }

    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        sameSize("multiply", a, b);
        sameSize("multiply", a, out);
        kernels.multiply(data(a), off(a), data(b), off(b), data(out), off(out), a.intSize());
    }

    @Override
    public double sigmoidCrossEntropy(Tensor logits, Tensor targets, Tensor grad) {
        sameSize("sigmoidCrossEntropy", logits, targets);
        sameSize("sigmoidCrossEntropy", logits, grad);
        return kernels.sigmoidCrossEntropy(data(logits), off(logits), data(targets), off(targets), data(grad), off(grad), logits.intSize());
    }

    @Override
    public double softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor grad, int classes) {
        sameSize("softmaxCrossEntropy", logits, targets);
        sameSize("softmaxCrossEntropy", logits, grad);
        if (classes < 1 || logits.size() % classes != 0) {
            throw new IllegalArgumentException("softmaxCrossEntropy: " + logits + " of " + logits.size()
                    + " elements is not rows of " + classes + " classes");
        }
        return kernels.softmaxCrossEntropy(data(logits), off(logits), data(targets), off(targets), data(grad), off(grad),
                (int) (logits.size() / classes), classes);
    }

    @Override
    public double meanSquaredError(Tensor outputs, Tensor targets, Tensor grad) {
        sameSize("meanSquaredError", outputs, targets);
        sameSize("meanSquaredError", outputs, grad);
        return kernels.meanSquaredError(data(outputs), off(outputs), data(targets), off(targets), data(grad), off(grad), outputs.intSize());
    }

    @Override
    public void sgdStep(Tensor params, Tensor grads, Tensor velocity, SgdConfig config, double gradScale) {
        sameSize("sgdStep", params, grads);
        sameSize("sgdStep", params, velocity);
        kernels.sgdStep(data(params), off(params), data(grads), off(grads), data(velocity), off(velocity), params.intSize(),
                config, gradScale);
    }

    @Override
    public double sumOfSquares(Tensor x) { return kernels.sumOfSquares(data(x), off(x), x.intSize()); }

    @Override
    public void adamStep(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig config, long t, double gradScale) {
        sameSize("adamStep", params, grads);
        sameSize("adamStep", params, m);
        sameSize("adamStep", params, v);
        if (t < 1) throw new IllegalArgumentException("Adam step count starts at 1: " + t);
        kernels.adamStep(new AdamBuffers(slice(params), slice(grads), slice(m), slice(v)), params.intSize(), config, t, gradScale);
    }

    @Override
    public void close() {
        closed = true;
        kernels.close();
    }
}
