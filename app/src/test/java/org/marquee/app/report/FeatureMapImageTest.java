package org.marquee.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureMapImageTest {

    private static int grey(BufferedImage img, int x, int y) {
        int rgb = img.getRGB(x, y) & 0xFFFFFF;
        assertEquals(rgb & 0xFF, (rgb >> 8) & 0xFF, "grey");
        return rgb & 0xFF;
    }

    @Test
    void eachMapIsScaledToItsOwnRangeInAGrid() {
        // three 2x3 maps: a ramp, the same ramp times 100, and a constant
        double[] maps = new double[3 * 6];
        for (int i = 0; i < 6; i++) { maps[i] = i; maps[6 + i] = 100 * i - 50; maps[12 + i] = 7; }
        BufferedImage img = FeatureMapImage.draw(maps, 3, 2, 3);
        // 3 maps -> 2 columns, 2 rows of 2x3 tiles with 2-pixel gaps
        assertEquals(2 + 2 * (3 + 2), img.getWidth());
        assertEquals(2 + 2 * (2 + 2), img.getHeight());
        assertEquals(0, grey(img, 2, 2), "map 0's minimum is black");
        assertEquals(255, grey(img, 4, 3), "map 0's maximum is white");
        assertEquals(Math.round(255 * 2 / 5.0), grey(img, 4, 2));
        for (int i = 0; i < 6; i++) {
            assertEquals(grey(img, 2 + i % 3, 2 + i / 3), grey(img, 7 + i % 3, 2 + i / 3), "map 1 scales like map 0");
        }
        assertEquals(0, grey(img, 2, 6), "a constant map is black, not NaN");
        assertEquals(255, grey(img, 0, 0), "white gaps");
        assertEquals(255, grey(img, 9, 8), "the empty fourth tile stays white");
    }

    @Test
    void writesAReadablePngAndRejectsAWrongSize(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/maps.png");
        FeatureMapImage.write(FeatureMapImage.draw(new double[] {0, 1, 2, 3}, 1, 2, 2), file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertEquals(6, back.getWidth());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureMapImage.draw(new double[5], 1, 2, 2));
        assertTrue(e.getMessage().contains("(1, 2, 2)") && e.getMessage().contains("got 5"), e.getMessage());
    }
}
