package org.marquee.app.teach;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * A convolution's feature maps (K, H, W) as one grey PNG: the K maps in a near-square grid, each
 * scaled to its own min..max (black = its minimum, white = its maximum), 2-pixel white gaps.
 */
public final class FeatureMapImage {
    private static final int GAP = 2;

    private FeatureMapImage() {}

    public static BufferedImage draw(double[] maps, int k, int h, int w) {
        if (k <= 0 || h <= 0 || w <= 0 || maps.length != (long) k * h * w) {
            throw new IllegalArgumentException("feature maps (" + k + ", " + h + ", " + w + ") need " + (long) k * h * w
                    + " values, got " + maps.length);
        }
        int cols = (int) Math.ceil(Math.sqrt(k));
        int rows = (k + cols - 1) / cols;
        BufferedImage img = new BufferedImage(GAP + cols * (w + GAP), GAP + rows * (h + GAP), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, 0xFFFFFF);
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
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer available for " + file);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
