package org.marquee.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.train.EpochResult;

class ReportsTest {
    @TempDir Path dir;

    static BufferedImage readPng(Path f) throws IOException {
        BufferedImage img = ImageIO.read(f.toFile());
        assertTrue(img != null, "not a readable image: " + f);
        return img;
    }

    @Test
    void trainingChartsAreWrittenAsPng() throws IOException {
        List<EpochResult> epochs = List.of(
                new EpochResult(1, 0.5, 0.45, 0.9, 0.1, 0.6, 5, 0.2, 0.1, 0.6, 10, 30),
                new EpochResult(2, 0.4, 0.41, 0.91, 0.09, 0.5, 4, 0.3, 0.15, 0.7, 10, 30));
        TrainingCharts.write(epochs, dir);
        assertEquals(800, readPng(dir.resolve("loss.png")).getWidth());
        assertEquals(500, readPng(dir.resolve("f1.png")).getHeight());
    }

    @Test
    void datasetChartsAreWrittenAsPng() throws IOException {
        DatasetCharts.genres(Map.of("Drama", 10, "Comedy", 7, "Horror", 2), dir.resolve("genres.png"));
        DatasetCharts.years(new TreeMap<>(Map.of(2000, 3, 2001, 5, 2003, 1)), dir.resolve("years.png"));
        readPng(dir.resolve("genres.png"));
        readPng(dir.resolve("years.png"));
    }

    @Test
    void filtersMapZeroToGreyAndSignToBrightness() {
        // two 1x1 RGB filters: (+1, 0, -1) and (0, 0, 0)
        double[] w = {1, 0, -1, 0, 0, 0};
        BufferedImage img = FilterImages.filters(w, 2, 3, 1, 1, 4);
        int first = img.getRGB(2, 2) & 0xFFFFFF, second = img.getRGB(2 + 4 + 2, 2) & 0xFFFFFF;
        assertEquals(0xFF8000, first, Integer.toHexString(first));    // red 255, green 128, blue 0
        assertEquals(0x808080, second, Integer.toHexString(second));
    }

    @Test
    void featureMapsAreScaledPerMapAndSaved() throws IOException {
        double[] maps = {0, 1, 2, 3, 5, 5, 5, 5};   // (2, 2, 2)
        BufferedImage img = FeatureMapImage.draw(maps, 2, 2, 2);
        assertEquals(0x000000, img.getRGB(2, 2) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(3, 3) & 0xFFFFFF);
        Path f = dir.resolve("feature-maps.png");
        FeatureMapImage.write(img, f);
        assertEquals(img.getWidth(), readPng(f).getWidth());
        assertTrue(Files.size(f) > 0);
    }
}
