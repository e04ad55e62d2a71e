package org.marquee.app.serve;

import java.awt.image.BufferedImage;

/**
 * A layer's maps (K, H, W) as one grey image, as {@code explain} draws them
 * ({@link org.marquee.app.report.FeatureMapImage}): the K maps in a near-square grid of
 * {@link #columns} columns, each scaled to its own min..max, {@link #GAP} white pixels around each.
 * The page finds the map under a click from the same numbers.
 */
final class Montage {
    static final int GAP = 2;

    private Montage() {}

    static int columns(int maps) { return (int) Math.ceil(Math.sqrt(maps)); }

    static BufferedImage draw(float[] maps, int k, int h, int w) { return draw(maps, k, h, w, GAP); }

    static BufferedImage draw(float[] maps, int k, int h, int w, int gap) {
        if ((long) k * h * w != maps.length) {
            throw new IllegalArgumentException("maps (" + k + ", " + h + ", " + w + ") need " + (long) k * h * w + " values, got " + maps.length);
        }
        int cols = columns(k), rows = (k + cols - 1) / cols;
        BufferedImage img = new BufferedImage(gap + cols * (w + gap), gap + rows * (h + gap), BufferedImage.TYPE_INT_RGB);
        int[] white = new int[img.getWidth() * img.getHeight()];
        java.util.Arrays.fill(white, 0xFFFFFF);
        img.setRGB(0, 0, img.getWidth(), img.getHeight(), white, 0, img.getWidth());
        int[] tile = new int[h * w];
        for (int f = 0; f < k; f++) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int i = f * h * w; i < (f + 1) * h * w; i++) { lo = Math.min(lo, maps[i]); hi = Math.max(hi, maps[i]); }
            double range = hi > lo ? hi - lo : 1;
            for (int i = 0; i < h * w; i++) {
                int g = (int) Math.round(255 * (maps[f * h * w + i] - lo) / range);
                tile[i] = (g << 16) | (g << 8) | g;
            }
            img.setRGB(gap + (f % cols) * (w + gap), gap + (f / cols) * (h + gap), w, h, tile, 0, w);
        }
        return img;
    }
}
