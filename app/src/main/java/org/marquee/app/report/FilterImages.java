package org.marquee.app.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pictures of the first convolution: its learned filters as small RGB tiles ({@code filters.png})
 * and its feature maps for one poster as grey tiles ({@code feature-maps.png}), both in a grid.
 */
public final class FilterImages {
    private static final int GAP = 2;

    private FilterImages() {}

    /**
     * @param w  kernel weights (K, C, KH, KW); with C = 3 each filter is drawn in colour, otherwise
     *           its channels are averaged into grey. All filters share one scale, so their contrast compares.
     */
    public static BufferedImage filters(double[] w, int k, int c, int kh, int kw, int pixelsPerCell) {
        if (w.length != k * c * kh * kw) throw new IllegalArgumentException("weights have " + w.length + " values, expected " + k * c * kh * kw);
        double max = 1e-12;
        for (double v : w) max = Math.max(max, Math.abs(v));
        int cols = (int) Math.ceil(Math.sqrt(k));
        int rows = (k + cols - 1) / cols;
        int tileW = kw * pixelsPerCell, tileH = kh * pixelsPerCell;
        BufferedImage img = canvas(cols, rows, tileW, tileH);
        for (int f = 0; f < k; f++) {
            int ox = GAP + (f % cols) * (tileW + GAP), oy = GAP + (f / cols) * (tileH + GAP);
            for (int y = 0; y < tileH; y++) {
                for (int x = 0; x < tileW; x++) {
                    int i = y / pixelsPerCell, j = x / pixelsPerCell;
                    int[] rgb = new int[3];
                    for (int ch = 0; ch < 3; ch++) {
                        double v;
                        if (c == 3) {
                            v = w[((f * c + ch) * kh + i) * kw + j];
                        } else {
                            v = 0;
                            for (int cc = 0; cc < c; cc++) v += w[((f * c + cc) * kh + i) * kw + j];
                            v /= c;
                        }
                        rgb[ch] = (int) Math.round(127.5 + 127.5 * v / max);   // 0 maps to mid grey
                    }
                    img.setRGB(ox + x, oy + y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
                }
            }
        }
        return img;
    }

    /** @param maps activations (K, H, W); each map is scaled to its own min..max. */
    public static BufferedImage featureMaps(double[] maps, int k, int h, int w) {
        if (maps.length != k * h * w) throw new IllegalArgumentException("maps have " + maps.length + " values, expected " + k * h * w);
        int cols = (int) Math.ceil(Math.sqrt(k));
        int rows = (k + cols - 1) / cols;
        BufferedImage img = canvas(cols, rows, w, h);
        for (int f = 0; f < k; f++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < h * w; i++) { lo = Math.min(lo, maps[f * h * w + i]); hi = Math.max(hi, maps[f * h * w + i]); }
            double range = hi > lo ? hi - lo : 1;
            int ox = GAP + (f % cols) * (w + GAP), oy = GAP + (f / cols) * (h + GAP);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int g = (int) Math.round(255 * (maps[(f * h + y) * w + x] - lo) / range);
                    img.setRGB(ox + x, oy + y, (g << 16) | (g << 8) | g);
                }
            }
        }
        return img;
    }

    public static void write(BufferedImage image, Path file) throws IOException {
        Png.image(image, file);
    }

    private static BufferedImage canvas(int cols, int rows, int tileW, int tileH) {
        BufferedImage img = new BufferedImage(GAP + cols * (tileW + GAP), GAP + rows * (tileH + GAP), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, 0xFFFFFF);
        return img;
    }
}
