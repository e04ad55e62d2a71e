package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosterImagesTest {
    @TempDir
    Path dir;

    @Test
    void decodesJpegStretchesToExactSizeChannelFirstInUnitRange() throws IOException {
        Path f = TestPosters.write(dir.resolve("1.jpg"), 182, 268, Color.RED, Color.BLUE, "jpg");
        PosterImages images = new PosterImages(32);
        float[] x = images.load(f);
        assertEquals(3 * 32 * 32, x.length);
        for (float v : x) {
            assertTrue(v >= 0 && v <= 1, "value " + v);
        }
        int plane = 32 * 32;
        int leftPixel = 16 * 32 + 2;
        int rightPixel = 16 * 32 + 29;
        // red on the left: channel 0 high, channel 2 low; blue on the right: the reverse
        assertTrue(x[leftPixel] > 0.9 && x[2 * plane + leftPixel] < 0.1, "left pixel not red");
        assertTrue(x[rightPixel] < 0.1 && x[2 * plane + rightPixel] > 0.9, "right pixel not blue");
    }

    @Test
    void decodesPngAndMatchesTheByteForm() throws IOException {
        Path f = TestPosters.write(dir.resolve("2.png"), 40, 30, Color.GREEN, Color.WHITE, "png");
        PosterImages images = new PosterImages(24);
        float[] x = images.load(f);
        byte[] b = images.loadBytes(f);
        for (int i = 0; i < x.length; i++) {
            assertEquals((b[i] & 0xFF) / 255f, x[i]);
        }
        int plane = 24 * 24;
        assertEquals(1f, x[plane + 12 * 24 + 1]); // green channel of a pure green pixel
        assertEquals(0f, x[12 * 24 + 1]);
    }

    @Test
    void missingFile() {
        PosterException e = assertThrows(PosterException.class, () -> PosterImages.decode(dir.resolve("nope.jpg")));
        assertEquals(PosterException.Reason.MISSING, e.reason());
        assertTrue(e.getMessage().contains("nope.jpg"));
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.createFile(dir.resolve("e.jpg"));
        assertEquals(PosterException.Reason.EMPTY,
                assertThrows(PosterException.class, () -> PosterImages.decode(f)).reason());
    }

    @Test
    void htmlIsNotAnImage() throws IOException {
        Path f = Files.writeString(dir.resolve("h.jpg"), "<html>404 not found</html>", StandardCharsets.US_ASCII);
        assertEquals(PosterException.Reason.NOT_AN_IMAGE,
                assertThrows(PosterException.class, () -> PosterImages.decode(f)).reason());
    }

    @Test
    void truncatedJpeg() throws IOException {
        Path f = TestPosters.truncatedJpeg(dir.resolve("t.jpg"));
        assertEquals(PosterException.Reason.TRUNCATED,
                assertThrows(PosterException.class, () -> PosterImages.decode(f)).reason());
    }

    @Test
    void truncatedPng() throws IOException {
        Path f = TestPosters.write(dir.resolve("t.png"), 50, 50, Color.RED, Color.BLUE, "png");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 20));
        PosterException e = assertThrows(PosterException.class, () -> PosterImages.decode(f));
        assertTrue(e.reason() == PosterException.Reason.TRUNCATED, e.getMessage());
    }

    @Test
    void imageDeclaringMorePixelsThanTheLimitIsRefusedBeforeDecoding() throws IOException {
        Path f = TestPosters.pngDeclaring(dir.resolve("bomb.png"), 20000, 20000);
        PosterException e = assertThrows(PosterException.class, () -> new PosterImages(32).loadBytes(f));
        assertEquals(PosterException.Reason.TOO_LARGE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("bomb.png"), e.getMessage());
        assertTrue(e.getMessage().contains("20,000 x 20,000"), e.getMessage());
        assertTrue(e.getMessage().contains("limit 50,000,000"), e.getMessage());
    }

    @Test
    void pixelLimitIsConfigurable() throws IOException {
        Path f = TestPosters.write(dir.resolve("3.png"), 40, 30, Color.GREEN, Color.WHITE, "png");
        assertEquals(3 * 16 * 16, new PosterImages(16, 1200).loadBytes(f).length);
        PosterException e = assertThrows(PosterException.class, () -> new PosterImages(16, 1199).loadBytes(f));
        assertEquals(PosterException.Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("40 x 30 = 1,200 pixels, limit 1,199"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PosterImages(16, 0));
    }

    /** A PNG of 16-bit RGBA samples (8 bytes a pixel once decoded), one colour: small on disk. */
    static Path rgba16(Path file, int width, int height) throws IOException {
        java.awt.color.ColorSpace cs = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB);
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(cs, true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_USHORT);
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(cm,
                cm.createCompatibleWritableRaster(width, height), false, null);
        javax.imageio.ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void anImageWhoseDecodingNeedsMoreHeapThanIsFreeIsRefusedNamingTheMemory() throws IOException {
        Path f = rgba16(dir.resolve("deep.png"), 1000, 1000);
        // 1,000,000 pixels x (8 decoded + 10 for the RGB copy and the resizer) = about 17 MB
        PosterImages tight = new PosterImages(8, PosterImages.DEFAULT_MAX_PIXELS, () -> 16L << 20);
        PosterException e = assertThrows(PosterException.class, () -> tight.loadBytes(f));
        assertEquals(PosterException.Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains("1,000 x 1,000 pixels need about 17 MB of memory"),
                e.getMessage());
        PosterImages roomy = new PosterImages(8, PosterImages.DEFAULT_MAX_PIXELS, () -> 24L << 20);
        assertEquals(3 * 8 * 8, roomy.loadBytes(f).length);
    }
}
