package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocationTest {
    @TempDir
    Path dir;

    @Test
    void findsSharedDataInAnAncestorFolder() throws IOException {
        Path data = Files.createDirectories(dir.resolve("shared/data"));
        Files.writeString(data.resolve("MovieGenre.csv"), "imdbId\n");
        Path deep = Files.createDirectories(dir.resolve("clone/app/target"));
        assertEquals(Optional.of(data), DataLocation.findFrom(deep));
    }

    @Test
    void nothingWhenNoAncestorHasIt() throws IOException {
        Path deep = Files.createDirectories(dir.resolve("a/b"));
        Files.createDirectories(dir.resolve("shared/data")); // folder without the CSV
        assertTrue(DataLocation.findFrom(deep).isEmpty());
    }
}
