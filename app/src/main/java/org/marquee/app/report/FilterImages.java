package org.marquee.app.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The first convolution's learned filters as small RGB tiles in a grid ({@code filters.png}); its
 * feature maps are drawn by {@link FeatureMapImage}.
 */
public final class FilterImages {
    private static final int GAP = FeatureMapImage.GAP;

    private FilterImages() {}

    /**
     * @param w  kernel weights (K, C, KH, KW); with C = 3 each filter is drawn in colour, otherwise
     *           its channels are averaged into grey. All filters share one scale, so their contrast compares.
     */
    public static BufferedImage filters(double[] w, int k, int c, int kh, int kw, int pixelsPerCell) {
        if (w.length != k * c * kh * kw) throw new IllegalArgumentException("weights have " + w.length + " values, expected " + k * c * kh * kw);
        double max = 1e-12;
        for (double v : w) max = Math.max(max, Math.abs(v));
        int cols = FeatureMapImage.columns(k);
        int tileW = kw * pixelsPerCell, tileH = kh * pixelsPerCell;
        BufferedImage img = FeatureMapImage.canvas(cols, FeatureMapImage.rows(k, cols), tileW, tileH);
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

    public static void write(BufferedImage image, Path file) throws IOException {
        Png.image(image, file);
    }
}
