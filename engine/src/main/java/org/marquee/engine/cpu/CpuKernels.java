package org.marquee.engine.cpu;

import org.marquee.engine.AdamConfig;
import org.marquee.engine.ConvGeometry;

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

    void maxPool2x2(float[] x, int xo, int planes, int h, int w, float[] y, int yo, float[] arg, int ao);

    void maxPool2x2Backward(float[] dy, int dyo, float[] arg, int ao, int planes, int h, int w, float[] dx, int dxo);

    void dropoutMask(float[] mask, int mo, int n, long seed, long step, long first, double rate);

    void multiply(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    double sigmoidCrossEntropy(float[] z, int zo, float[] t, int to, float[] g, int go, int n);

    double sumOfSquares(float[] x, int xo, int n);

    void adamStep(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                  AdamConfig cfg, long t, double gradScale);

    /** Releases threads, if any. */
    default void close() {}
}
