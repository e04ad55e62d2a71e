package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

/** The im2col + gemm convolution equals the textbook nested-loop definition. */
class ConvolutionTest {
    private final Backend ref = new ReferenceBackend();

    @ParameterizedTest(name = "N={0} C={1} {2}x{3} K={4} kernel {5}x{6} stride {7} pad {8}")
    @CsvSource({
        "1, 1, 5, 5, 1, 3, 3, 1, 0",
        "2, 3, 6, 9, 4, 3, 3, 1, 1",
        "2, 2, 7, 5, 3, 3, 2, 2, 0",
        "1, 3, 8, 6, 2, 1, 1, 2, 1",
        "3, 2, 9, 7, 5, 3, 3, 2, 1",
        "1, 1, 4, 4, 2, 4, 4, 1, 0",
    })
    void matchesDirectConvolution(int n, int c, int h, int w, int k, int kh, int kw, int stride, int pad) {
        Sequential model = Sequential.builder(ref, c, h, w).conv2d(k, kh, kw, stride, pad).build(42);
        Conv2d conv = (Conv2d) model.layers().get(0);
        ref.upload(conv.bias(), TestTensors.uniform(ref, 7, k).toDoubles());   // non-zero bias too
        Tensor x = TestTensors.uniform(ref, 8, n, c, h, w);

        double[] actual = model.forward(x, false).toDoubles();
        double[] expected = direct(x.toDoubles(), conv.weights().toDoubles(), conv.bias().toDoubles(),
                n, c, h, w, k, kh, kw, stride, pad);
        int oh = (h + 2 * pad - kh) / stride + 1, ow = (w + 2 * pad - kw) / stride + 1;
        assertArrayEquals(new int[] {k, oh, ow}, conv.outputShape());
        assertEquals(expected.length, actual.length);
        assertArrayEquals(expected, actual, 1e-12);
    }

    /** y[n][k][oy][ox] = b[k] + Σ over c, i, j of x[n][c][oy*s + i - p][ox*s + j - p] · W[k][c][i][j]. */
    private static double[] direct(double[] x, double[] wt, double[] b, int n, int c, int h, int w,
                                   int k, int kh, int kw, int s, int p) {
        int oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
        double[] y = new double[n * k * oh * ow];
        for (int in = 0; in < n; in++)
            for (int f = 0; f < k; f++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = b[f];
                        for (int ch = 0; ch < c; ch++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++) {
                                    int yy = oy * s + i - p, xx = ox * s + j - p;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                                    sum += x[((in * c + ch) * h + yy) * w + xx] * wt[((f * c + ch) * kh + i) * kw + j];
                                }
                        y[((in * k + f) * oh + oy) * ow + ox] = sum;
                    }
        return y;
    }
}
