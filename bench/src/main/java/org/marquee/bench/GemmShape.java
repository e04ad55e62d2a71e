package org.marquee.bench;

/**
 * The poster model's GEMMs, named as in the benchmarks. Sizes follow from 224x224x3 input, 3x3
 * valid convolutions with 32, 64, 128 filters, 2x2 pooling and a 128-unit dense layer.
 * <ul>
 *   <li>{@code CONVn_*}: one image at a time, as the CPU backend and the OpenCL CPU family's
 *       textbook route run a convolution;</li>
 *   <li>{@code CONVn_*_B32}: the whole batch of 32 in one GEMM, as the OpenCL GPU family's
 *       batched plan runs it (N, or K for the weight gradient, = 32 x positions): the shapes a
 *       GPU is tuned and measured on;</li>
 *   <li>{@code DENSE1_*}: a batch of 32 (the same on every route).</li>
 * </ul>
 */
public enum GemmShape {
    CONV1_FWD(false, false, 32, 49284, 27),
    CONV2_FWD(false, false, 64, 11881, 288),
    CONV3_FWD(false, false, 128, 2704, 576),
    CONV1_DW(false, true, 32, 27, 49284),
    CONV2_DW(false, true, 64, 288, 11881),
    CONV3_DW(false, true, 128, 576, 2704),
    CONV2_DX(true, false, 288, 11881, 64),
    CONV3_DX(true, false, 576, 2704, 128),
    DENSE1_FWD(false, false, 32, 128, 86528),
    DENSE1_DW(true, false, 86528, 128, 32),
    DENSE1_DX(false, true, 32, 86528, 128),
    CONV1_FWD_B32(false, false, 32, 32 * 49284, 27),
    CONV2_FWD_B32(false, false, 64, 32 * 11881, 288),
    CONV3_FWD_B32(false, false, 128, 32 * 2704, 576),
    CONV1_DW_B32(false, true, 32, 27, 32 * 49284),
    CONV2_DW_B32(false, true, 64, 288, 32 * 11881),
    CONV3_DW_B32(false, true, 128, 576, 32 * 2704),
    CONV2_DX_B32(true, false, 288, 32 * 11881, 64),
    CONV3_DX_B32(true, false, 576, 32 * 2704, 128);

    public final boolean transA, transB;
    public final int m, n, k;

    GemmShape(boolean transA, boolean transB, int m, int n, int k) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
    }

    /** Floating-point operations of one product: 2*M*N*K. */
    public double flops() { return 2.0 * m * n * k; }

    @Override
    public String toString() {
        return name() + " (" + m + "x" + n + "x" + k + (transA ? " transA" : "") + (transB ? " transB" : "") + ")";
    }
}
