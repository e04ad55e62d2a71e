package org.marquee.app.teach;

import java.util.Locale;

/** Small numbers and matrices as plain text for the guide's figures. */
final class Text {
    private Text() {}

    /** An integer as an integer, anything else with at most 4 decimals (0.25, 1.3333). */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4f", v)).stripTrailingZeros().toPlainString();
    }

    /** A (rows, cols) row-major matrix, right-aligned columns, each line indented by {@code indent}. */
    static String grid(double[] v, int offset, int rows, int cols, String indent) {
        int width = 1;
        for (int i = 0; i < rows * cols; i++) width = Math.max(width, num(v[offset + i]).length());
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            sb.append(indent);
            for (int c = 0; c < cols; c++) {
                String s = num(v[offset + r * cols + c]);
                sb.append(c == 0 ? "" : "  ").append(" ".repeat(width - s.length())).append(s);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String grid(double[] v, int rows, int cols, String indent) { return grid(v, 0, rows, cols, indent); }

    /** "(a, b, c)". */
    static String shape(int... dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append(')').toString();
    }
}
