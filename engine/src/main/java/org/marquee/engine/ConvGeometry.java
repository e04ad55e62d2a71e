package org.marquee.engine;

/**
 * Geometry of a 2-D convolution over one image: C input channels of H x W, K filters of
 * KH x KW, a stride and symmetric zero padding. OH and OW are derived.
 *
 * <pre>
 *   OH = (H + 2*pad - KH) / stride + 1        OW = (W + 2*pad - KW) / stride + 1
 *   im2col matrix: (C*KH*KW, OH*OW)            weights: (K, C*KH*KW)
 * </pre>
 *
 * @param c      input channels C
 * @param h      input height H
 * @param w      input width W
 * @param k      filters K (output channels)
 * @param kh     kernel height KH
 * @param kw     kernel width KW
 * @param stride the step between windows, in both directions
 * @param pad    zero rows and columns added on every side
 */
public record ConvGeometry(int c, int h, int w, int k, int kh, int kw, int stride, int pad) {
    /**
     * Checks that the sizes are positive, the stride at least 1, the padding 0 or more and that the kernel fits the padded input.
     *
     * @param c input channels C
     * @param h input height H
     * @param w input width W
     * @param k kernels K, the output channels
     * @param kh kernel height KH
     * @param kw kernel width KW
     * @param stride the step between output positions, at least 1
     * @param pad zero rows and columns on each side, 0 or more
     */
    public ConvGeometry {
        if (c <= 0 || h <= 0 || w <= 0 || k <= 0 || kh <= 0 || kw <= 0) {
            throw new IllegalArgumentException("convolution sizes must be positive: " + describe(c, h, w, k, kh, kw, stride, pad));
        }
        if (stride <= 0 || pad < 0) {
            throw new IllegalArgumentException("stride must be positive and padding non-negative: " + describe(c, h, w, k, kh, kw, stride, pad));
        }
        if (h + 2 * pad < kh || w + 2 * pad < kw) {
            throw new IllegalArgumentException("kernel " + kh + "x" + kw + " is larger than the padded input "
                    + (h + 2 * pad) + "x" + (w + 2 * pad));
        }
    }

    /**
     * The output height, (H + 2 pad - KH) / stride + 1, rounded down.
     *
     * @return OH
     */
    public int oh() { return (h + 2 * pad - kh) / stride + 1; }
    /**
     * The output width, (W + 2 pad - KW) / stride + 1, rounded down.
     *
     * @return OW
     */
    public int ow() { return (w + 2 * pad - kw) / stride + 1; }
    /**
     * Rows of the im2col matrix: C*KH*KW.
     *
     * @return C*KH*KW
     */
    public int patch() { return c * kh * kw; }
    /**
     * Columns of the im2col matrix: OH*OW.
     *
     * @return OH*OW
     */
    public int positions() { return oh() * ow(); }

    private static String describe(int c, int h, int w, int k, int kh, int kw, int stride, int pad) {
        return "C=" + c + " H=" + h + " W=" + w + " K=" + k + " kernel=" + kh + "x" + kw + " stride=" + stride + " pad=" + pad;
    }
}
