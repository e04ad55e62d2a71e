package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;

/** {@code summary --data} and {@code train --data} draw the IMDb score by release year and say how many movies have a score. */
class DatasetScoresTest extends CapturedConsole {
    @TempDir Path dir;

    /** 10 movies of 2001 to 2003 with posters; 6 have a score (2001: 5.0, 7.0; 2002: 6.0; 2003: 4.0, 8.0, 9.0). */
    @BeforeEach
    void catalogue() throws IOException {
        String[] scores = {"5.0", "7.0", "", "6.0", "", "4.0", "8.0", "9.0", "", ""};
        int[] years = {2001, 2001, 2001, 2002, 2002, 2003, 2003, 2003, 2003, 2002};
        StringBuilder csv = new StringBuilder("imdbId,Imdb Link,Title,IMDB Score,Genre,Poster\n");
        Path posters = Files.createDirectories(dir.resolve("posters"));
        for (int i = 0; i < scores.length; i++) {
            int id = i + 1;
            csv.append(id).append(",l,Movie ").append(id).append(" (").append(years[i]).append("),").append(scores[i]).append(',')
                    .append(id % 2 == 0 ? "Drama" : "Comedy|Drama").append(",\n");
            BufferedImage img = new BufferedImage(30, 40, BufferedImage.TYPE_INT_RGB);
            img.setRGB(id, id, id % 2 == 0 ? 0xFF0000 : 0x00FF00);
            ImageIO.write(img, "jpg", posters.resolve(id + ".jpg").toFile());
        }
        Files.writeString(dir.resolve("MovieGenre.csv"), csv.toString(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void summaryPrintsTheCountsAndTheTableAndDrawsScoresPng() throws IOException {
        Path output = dir.resolve("summary");
        try (var posters = Files.list(dir.resolve("posters"))) {   // the catalogue is all it reads
            for (Path p : posters.toList()) Files.delete(p);
        }
        Files.delete(dir.resolve("posters"));
        assertEquals(0, Main.run("summary", "--data", dir.toString(), "-o", output.toString()), err());
        String text = out();
        assertTrue(text.contains("10 movies in the catalogue (posters not read); 27 genres, 1.50 per movie on average:\n"), text);
        assertTrue(text.contains("  Drama        100.00%\n  Comedy        50.00%\n"), text);
        assertTrue(!text.contains("poster cache"), text);
        assertTrue(text.contains("IMDb score: 6 of 10 movies have one, 4 lack one; median 6.5 (scores.png)\n"), text);
        assertTrue(text.contains("2001             2    5.0   5.50   6.00   6.50    7.0\n"), text);
        assertTrue(text.contains("2003             3    4.0   6.00   8.00   8.50    9.0\n"), text);
        assertTrue(text.contains(" and " + output.resolve("scores.png")), text);
        BufferedImage chart = ImageIO.read(output.resolve("scores.png").toFile());
        assertEquals(1000, chart.getWidth());

        assertEquals(1, Main.run("summary", "--data", dir.toString(), "--cache", dir.resolve("p.cache").toString()));
        assertTrue(err().contains("summary reads MovieGenre.csv alone, not the posters: leave out --cache"), err());
    }

    @Test
    void trainWritesScoresPngBesideGenresAndYears() {
        Path output = dir.resolve("train");
        assertEquals(0, Main.run("train", "--backend", "reference", "--data", dir.toString(), "--image-size", "24",
                "--cache", dir.resolve("t.cache").toString(), "--epochs", "1", "--batch-size", "4", "-o", output.toString()), err());
        assertTrue(out().contains("IMDb score: 6 of 10 movies have one, 4 lack one; median 6.5 (scores.png)"), out());
        assertTrue(out().contains("genres.png, years.png, scores.png"), out());
        for (String f : new String[] {"genres.png", "years.png", "scores.png"}) {
            assertTrue(Files.isRegularFile(output.resolve(f)), f);
        }
    }
}
