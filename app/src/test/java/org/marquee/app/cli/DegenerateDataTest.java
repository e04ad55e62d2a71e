package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.marquee.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Too little data: one line saying what is missing and how much is needed, before any poster cache is written. */
class DegenerateDataTest extends CapturedConsole {
    static final String HEADER = "imdbId,Imdb Link,Title,IMDB Score,Genre,Poster\n";
    @TempDir Path dir;

    int train(String csvBody, int postersWritten) throws Exception {
        Path csv = Files.writeString(dir.resolve("MovieGenre.csv"), HEADER + csvBody);
        Path posters = Files.createDirectories(dir.resolve("posters"));
        for (int i = 1; i <= postersWritten; i++) {
            ImageIO.write(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB), "png", posters.resolve(i + ".jpg").toFile());
        }
        out.reset();
        err.reset();
        return Main.run("train", "--backend", "reference", "--epochs", "1", "--data", csv.toString(), "--posters", posters.toString(),
                "--cache", dir.resolve("posters.cache").toString(), "--output", dir.resolve("run").toString());
    }

    static String movies(int n, String genre) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= n; i++) s.append(i).append(",l,Movie ").append(i).append(" (2001),7,").append(genre).append(",\n");
        return s.toString();
    }

    @Test
    void aHeaderOnlyCatalogueOrOneWithoutGenresSaysHowManyMoviesAreNeeded() throws Exception {
        assertTrue(train("", 0) != 0);
        assertTrue(err().contains("0 usable movies in ") && err().contains("at least 5 are needed"), err());
        assertTrue(train(movies(8, ""), 8) != 0);
        assertTrue(err().contains("0 usable movies in ") && err().contains("8 rows read, 0 kept"), err());
        assertFalse(Files.exists(dir.resolve("posters.cache")));
    }

    @Test
    void threeMoviesAreTooFewForThreeSplits() throws Exception {
        assertTrue(train(movies(3, "Drama"), 3) != 0);
        assertTrue(err().contains("3 usable movies in ") && err().contains("at least 5 are needed for the train, validation and test"),
                err());
        assertFalse(err().contains("out of bounds"), err());
        assertFalse(Files.exists(dir.resolve("posters.cache")));
    }

    @Test
    void aPostersFolderWithoutTheCataloguesPostersSaysHowManyWereFound() throws Exception {
        assertTrue(train(movies(9, "Drama"), 0) != 0);
        assertTrue(err().contains("0 of 9 posters found in " + dir.resolve("posters")), err());
        assertFalse(Files.exists(dir.resolve("posters.cache")));
        assertEquals(1, err().lines().filter(l -> !l.isBlank()).count(), err());
    }
}
