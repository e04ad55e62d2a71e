package org.marquee.app.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A convolution's feature maps (K, H, W) as one grey PNG: the K maps in a near-square grid, each
 * scaled to its own min..max (black = its minimum, white = its maximum), 2-pixel white gaps.
 * Used for {@code feature-maps.png} after training and for each convolution in {@code explain}.
 */
public final class FeatureMapImage {
    /** White pixels around and between the tiles of a grid. */
    static final int GAP = 2;

    private FeatureMapImage() {}

    public static BufferedImage draw(double[] maps, int k, int h, int w) {
        if (k <= 0 || h <= 0 || w <= 0 || maps.length != (long) k * h * w) {
            throw new IllegalArgumentException("feature maps (" + k + ", " + h + ", " + w + ") need " + (long) k * h * w
                    + " values, got " + maps.length);
        }
        int cols = columns(k);
        BufferedImage img = canvas(cols, rows(k, cols), w, h);
        for (int f = 0; f < k; f++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int i = f * h * w; i < (f + 1) * h * w; i++) { lo = Math.min(lo, maps[i]); hi = Math.max(hi, maps[i]); }
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

    /** Writes through a temporary file in the same folder, so the PNG is either complete or absent. */
    public static void write(BufferedImage image, Path file) throws IOException {
        Png.image(image, file);
    }

    /** Columns of the near-square grid for {@code tiles} tiles. */
    static int columns(int tiles) { return (int) Math.ceil(Math.sqrt(tiles)); }

    static int rows(int tiles, int cols) { return (tiles + cols - 1) / cols; }

    /** A white image for a grid of cols x rows tiles of tileW x tileH pixels with GAP between and around them. */
    static BufferedImage canvas(int cols, int rows, int tileW, int tileH) {
        BufferedImage img = new BufferedImage(GAP + cols * (tileW + GAP), GAP + rows * (tileH + GAP), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, 0xFFFFFF);
        return img;
    }
}
