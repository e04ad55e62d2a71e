package org.marquee.dataset;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Small poster files for tests. */
final class TestPosters {
    private TestPosters() {}

    /** A w x h image, left half one colour and right half another, written as "jpg" or "png". */
    static Path write(Path file, int w, int h, Color left, Color right, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(right);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
        return file;
    }

    /**
     * A small valid 1-bit PNG whose header then claims width x height pixels (the IHDR fields and
     * their CRC patched): a decompression bomb's header without its megabytes.
     */
    static Path pngDeclaring(Path file, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY);
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no writer for png");
        }
        byte[] b = Files.readAllBytes(file);
        // signature (8), IHDR length (4), "IHDR" at 12, width at 16, height at 20, CRC of 12..28 at 29
        java.nio.ByteBuffer.wrap(b).putInt(16, width).putInt(20, height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 12, 17);
        java.nio.ByteBuffer.wrap(b).putInt(29, (int) crc.getValue());
        Files.write(file, b);
        return file;
    }

    /** The first half of a valid JPEG. */
    static Path truncatedJpeg(Path file) throws IOException {
        write(file, 64, 80, Color.RED, Color.BLUE, "jpg");
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length / 2));
        return file;
    }
}
