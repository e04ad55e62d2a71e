package org.marquee.app.serve;

import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * One output value of a convolution written out as the formula: the C x KH x KW window of the
 * input it reads, filter k's kernel, its bias, and
 * <pre>
 *   y[k][oy][ox] = sum over c, i, j of W[k][c][i][j] * x[c][oy*s - p + i][ox*s - p + j]  +  b[k]
 * </pre>
 * summed on the reference backend (float64) as {@code Conv2d.forward} computes it: the window as
 * one column of im2col, the kernel as one row of W, one GEMM, then the bias.
 *
 * @param window   (C, KH, KW), zero where the window leaves the padded input
 * @param kernel   (C, KH, KW)
 * @param partials per input channel, the sum of its KH*KW products
 * @param sum      the GEMM's result plus the bias
 */
record MultiplyAdd(double[] window, double[] kernel, double bias, double[] partials, double sum) {

    /**
     * @param input   the convolution's input for one image, (C, H, W)
     * @param weights all kernels, (K, C, KH, KW)
     * @param bias    (K)
     */
    static MultiplyAdd of(ConvGeometry g, float[] input, double[] weights, double[] bias, int k, int oy, int ox) {
        int patch = g.patch();
        double[] window = new double[patch];
        double[] kernel = new double[patch];
        double[] partials = new double[g.c()];
        for (int c = 0; c < g.c(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int y = oy * g.stride() - g.pad() + i, x = ox * g.stride() - g.pad() + j;
                    int t = (c * g.kh() + i) * g.kw() + j;
                    window[t] = y >= 0 && y < g.h() && x >= 0 && x < g.w() ? input[(c * g.h() + y) * g.w() + x] : 0;
                    kernel[t] = weights[k * patch + t];
                    partials[c] += kernel[t] * window[t];
                }
            }
        }
        double sum;
        try (ReferenceBackend ref = new ReferenceBackend();
             Tensor w = ref.allocate(1, patch); Tensor col = ref.allocate(patch, 1); Tensor y = ref.allocate(1, 1); Tensor b = ref.allocate(1)) {
            ref.upload(w, kernel);
            ref.upload(col, window);
            ref.upload(b, new double[] {bias[k]});
            ref.gemm(false, false, 1, 1, patch, 1, w, col, 0, y);      // W[k] · cols[:, position]
            ref.addBias(y, b, 1, 1, 1);                               // + b[k]
            sum = y.toDoubles()[0];
        }
        return new MultiplyAdd(window, kernel, bias[k], partials, sum);
    }
}
