package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;

/** The download summary names the posters that failed, not only their count per reason. */
class DownloadCommandTest {
    @TempDir Path dir;

    @Test
    void failedPostersAreNamedOnScreenAndInAFile() throws IOException {
        Files.writeString(dir.resolve("MovieGenre.csv"), """
                imdbId,Imdb Link,Title,IMDB Score,Genre,Poster
                101,l,One (2005),6.0,Drama,ftp://example.org/101.jpg
                102,l,Two (2006),6.0,Comedy,ftp://example.org/102.jpg
                """, StandardCharsets.ISO_8859_1);
        Path posters = dir.resolve("posters");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("download", "--data", dir.toString(), "--posters", posters.toString());
        } finally {
            System.setOut(saved);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertTrue(text.contains("  failed: 101 URL is malformed or not http/https (") && text.contains("  failed: 102 "), text);
        List<String> lines = Files.readAllLines(posters.resolve(DownloadCommand.FAILURES));
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("imdbId,reason,url,detail", lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("102,BAD_URL,ftp://example.org/102.jpg,")), lines.toString());
    }
}
