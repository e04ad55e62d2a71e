package org.marquee.app.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;

/** Posters the cache leaves out are named: the first few on the console, all in left-out.csv in the output folder. */
class LeftOutReportTest {
    @TempDir Path dir;

    @Test
    void trainNamesEveryLeftOutPoster() throws IOException {
        StringBuilder csv = new StringBuilder("imdbId,Imdb Link,Title,IMDB Score,Genre,Poster\n");
        Path posters = Files.createDirectories(dir.resolve("posters"));
        for (int id = 1; id <= 20; id++) {
            csv.append(id).append(",l,Movie ").append(id).append(" (2005),6.0,").append(id % 2 == 0 ? "Drama" : "Comedy").append(",\n");
            if (id <= 12) {
                BufferedImage img = new BufferedImage(30, 40, BufferedImage.TYPE_INT_RGB);
                img.setRGB(id, id, 0xFF0000);
                ImageIO.write(img, "jpg", posters.resolve(id + ".jpg").toFile());
            } else if (id == 13) {
                Files.writeString(posters.resolve(id + ".jpg"), "not a poster");
            }
        }
        Files.writeString(dir.resolve("MovieGenre.csv"), csv.toString(), StandardCharsets.ISO_8859_1);
        Path output = dir.resolve("out");

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("train", "--backend", "reference", "--data", dir.toString(), "--image-size", "24", "--epochs", "1",
                    "--batch-size", "4", "--cache", dir.resolve("p.cache").toString(), "-o", output.toString());
        } finally {
            System.setOut(saved);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("8 left out"), text);
        assertTrue(text.contains("left out: 13 (not a JPEG or PNG image), 14 (file does not exist)"), text);
        assertTrue(text.contains(" and 3 more; all 8 in " + output.resolve("left-out.csv")), text);
        List<String> lines = Files.readAllLines(output.resolve("left-out.csv"));
        assertEquals(9, lines.size(), lines.toString());
        assertEquals("imdbId,reason,description", lines.get(0));
        assertTrue(lines.contains("20,MISSING,file does not exist"), lines.toString());
    }

    @Test
    void nothingLeftOutWritesNothing() throws IOException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LeftOutReport.write(List.of(), dir, new PrintStream(captured, true, StandardCharsets.UTF_8));
        assertEquals(0, captured.size());
        assertTrue(Files.notExists(dir.resolve(LeftOutReport.FILE)));
    }
}
