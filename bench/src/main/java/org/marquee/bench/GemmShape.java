package org.marquee.bench;

/**
 * The poster model's GEMMs, one image at a time for the convolutions and a batch of 32 for the
 * dense layer, named as in the benchmarks. Sizes follow from 224x224x3 input, 3x3 valid
 * convolutions with 32, 64, 128 filters, 2x2 pooling and a 128-unit dense layer.
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
    DENSE1_DX(false, true, 32, 86528, 128);

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
