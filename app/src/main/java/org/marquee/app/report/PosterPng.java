package org.marquee.app.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** A poster as the model sees it, (3, S, S) floats in [0, 1], written back as an S x S RGB PNG. */
public final class PosterPng {
    private PosterPng() {}

    public static BufferedImage draw(float[] chw, int size) {
        int plane = size * size;
        if (size <= 0 || chw.length != 3 * plane) {
            throw new IllegalArgumentException("a " + size + "x" + size + " poster needs " + 3L * plane + " values, got " + chw.length);
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                img.setRGB(x, y, (byte255(chw[i]) << 16) | (byte255(chw[plane + i]) << 8) | byte255(chw[2 * plane + i]));
            }
        }
        return img;
    }

    public static void write(float[] chw, int size, Path file) throws IOException {
        Png.image(draw(chw, size), file);
    }

    private static int byte255(float v) {
        return (int) Math.round(255 * Math.min(1f, Math.max(0f, v)));
    }
}
