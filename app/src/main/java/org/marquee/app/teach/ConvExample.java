package org.marquee.app.teach;

import org.marquee.engine.ConvGeometry;
import org.marquee.engine.Tensor;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * The guide's worked convolution: a 4x4 one-channel image, one 3x3 filter and a bias, computed
 * exactly as {@code Conv2d.forward} does it (im2col, then one GEMM, then the bias) on the
 * reference backend, small enough to check by hand.
 */
final class ConvExample {
    /** The image (1, 4, 4). */
    static final double[] IMAGE = {
        1, 2, 0, 1,
        0, 1, 3, 2,
        2, 0, 1, 1,
        1, 3, 2, 0};
    /** The filter (1, 1, 3, 3). */
    static final double[] KERNEL = {
        1, 0, -1,
        0, 1, 0,
        2, 0, 1};
    static final double BIAS = 1;
    static final ConvGeometry GEOMETRY = new ConvGeometry(1, 4, 4, 1, 3, 3, 1, 0);

    /** cols = im2col(image), (C*KH*KW, OH*OW) = (9, 4). */
    static double[] columns() {
        ReferenceBackend ref = new ReferenceBackend();
        Tensor x = ref.allocate(1, 4, 4);
        ref.upload(x, IMAGE);
        Tensor cols = ref.allocate(GEOMETRY.patch(), GEOMETRY.positions());
        ref.im2col(x, GEOMETRY, cols);
        return cols.toDoubles();
    }

    /** y = W · cols + b, (K, OH*OW) = (1, 4), viewed as (1, 2, 2). */
    static double[] output() {
        ReferenceBackend ref = new ReferenceBackend();
        Tensor cols = ref.allocate(GEOMETRY.patch(), GEOMETRY.positions());
        ref.upload(cols, columns());
        Tensor w = ref.allocate(1, GEOMETRY.patch());
        ref.upload(w, KERNEL);
        Tensor y = ref.allocate(1, GEOMETRY.positions());
        ref.gemm(false, false, 1, GEOMETRY.positions(), GEOMETRY.patch(), 1, w, cols, 0, y);
        Tensor b = ref.allocate(1);
        ref.upload(b, new double[] {BIAS});
        ref.addBias(y, b, 1, 1, GEOMETRY.positions());
        return y.toDoubles();
    }

    /** How many output positions read each input pixel: col2im of an all-ones column matrix, (4, 4). */
    static double[] reuseCounts() {
        ReferenceBackend ref = new ReferenceBackend();
        Tensor cols = ref.allocate(GEOMETRY.patch(), GEOMETRY.positions());
        ref.fill(cols, 1);
        Tensor image = ref.allocate(1, 4, 4);
        ref.col2imAdd(cols, GEOMETRY, image);
        return image.toDoubles();
    }

    static String figure() {
        double[] cols = columns(), y = output();
        StringBuilder sb = new StringBuilder();
        sb.append("image x, (C, H, W) = (1, 4, 4)        filter W, (K, C, KH, KW) = (1, 1, 3, 3), bias b = ")
                .append(Text.num(BIAS)).append('\n');
        String[] img = Text.grid(IMAGE, 4, 4, "  ").split("\n");
        String[] ker = Text.grid(KERNEL, 3, 3, "  ").split("\n");
        for (int r = 0; r < 4; r++) {
            String left = img[r];
            sb.append(left).append(r < 3 ? " ".repeat(38 - left.length()) + ker[r] : "").append('\n');
        }
        sb.append('\n').append("cols = im2col(x), (C*KH*KW, OH*OW) = (9, 4): one row per filter tap (c, i, j),\n")
                .append("one column per output position (oy, ox) = (0,0) (0,1) (1,0) (1,1)\n");
        String[] rows = Text.grid(cols, 9, 4, "").split("\n");
        for (int r = 0; r < 9; r++) {
            sb.append(String.format(java.util.Locale.ROOT, "  (0,%d,%d) %s   W[%d] = %s%n", r / 3, r % 3, rows[r], r, Text.num(KERNEL[r])));
        }
        sb.append('\n').append("y = W · cols + b, (K, OH*OW) = (1, 4), read as (1, 2, 2)\n").append(Text.grid(y, 2, 2, "  "));
        return sb.toString();
    }

    /** Output (0, 0) written out as the sum the GEMM computes. */
    static String firstSum() {
        double[] cols = columns();
        StringBuilder sb = new StringBuilder("y[0][0] =");
        for (int r = 0; r < 9; r++) {
            sb.append(r == 0 ? " " : " + ").append(KERNEL[r] < 0 ? "(" + Text.num(KERNEL[r]) + ")" : Text.num(KERNEL[r])).append("·").append(Text.num(cols[r * 4]));
        }
        return sb.append(" + ").append(Text.num(BIAS)).append(" = ").append(Text.num(output()[0])).append('\n').toString();
    }

    static String reuseFigure() {
        return "col2im(all ones), (1, 4, 4): how many output positions read each pixel\n" + Text.grid(reuseCounts(), 4, 4, "  ");
    }
}
