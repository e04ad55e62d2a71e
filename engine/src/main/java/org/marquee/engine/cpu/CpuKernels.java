package org.marquee.engine.cpu;

import org.marquee.engine.AdamConfig;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.SgdConfig;

/**
 * The CPU backend's arithmetic on raw {@code float[]} buffers with element offsets. Two
 * implementations: {@link ScalarKernels}, plain loops that read like the formulas, and
 * {@link FastKernels}, vectorized and multi-threaded. {@link CpuBackend} checks shapes and
 * unwraps tensors; the kernels trust their arguments.
 */
interface CpuKernels {
    void fill(float[] x, int xo, int n, float value);

    /** C = alpha·op(A)·op(B) + beta·C with the operands in {@code op}; C (m, n), rows n apart. */
    void gemm(GemmOperands op, float beta, Slice c);

    void im2col(float[] x, int xo, ConvGeometry g, float[] cols, int co);

    void col2imAdd(float[] cols, int co, ConvGeometry g, float[] x, int xo);

    void addBias(float[] y, int yo, float[] bias, int bo, int outer, int channels, int inner);

    void biasGrad(float[] dy, int dyo, float[] db, int dbo, int outer, int channels, int inner);

    void relu(float[] x, int xo, float[] y, int yo, int n);

    void reluBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n);

    void sigmoid(float[] x, int xo, float[] y, int yo, int n);

    /** 2x2 max pooling of planes (h, w) at x into out's values and winners (planes, h/2, w/2). */
    void maxPool2x2(Slice x, int planes, int h, int w, Pooled out);

    /** The pooling's backward pass: dx (planes, h, w) from the gradient and winners in dy. */
    void maxPool2x2Backward(Pooled dy, int planes, int h, int w, Slice dx);

    void dropoutMask(float[] mask, int mo, int n, long seed, long step, long first, double rate);

    void multiply(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    double sigmoidCrossEntropy(float[] z, int zo, float[] t, int to, float[] g, int go, int n);

    /** Softmax cross-entropy over rows of {@code classes} logits (see {@link org.marquee.engine.Backend#softmaxCrossEntropy}). */
    double softmaxCrossEntropy(float[] z, int zo, float[] t, int to, float[] g, int go, int rows, int classes);

    /** Mean squared error over n elements (see {@link org.marquee.engine.Backend#meanSquaredError}). */
    double meanSquaredError(float[] y, int yo, float[] t, int to, float[] g, int go, int n);

    double sumOfSquares(float[] x, int xo, int n);

    /** One SGD step with momentum on n elements (see {@link org.marquee.engine.Backend#sgdStep}). */
    void sgdStep(float[] p, int po, float[] g, int go, float[] v, int vo, int n, SgdConfig cfg, double gradScale);

    /** One Adam step on n elements of the buffers (see {@link org.marquee.engine.Backend#adamStep}). */
    void adamStep(AdamBuffers buffers, int n, AdamConfig cfg, long t, double gradScale);

    /** Releases threads, if any. */
    default void close() {}
}
