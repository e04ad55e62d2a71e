package org.marquee.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine used from outside its own build: a dense network on the fast cpu backend learns
 * which of three input features are positive, and its weights survive a save and a load.
 */
class LibrarySampleTest {
    @TempDir Path dir;

    @Test
    void trainsSavesAndLoadsOnTheCpuBackend() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Path file = dir.resolve("sample.weights");
        LibrarySample.Result r = LibrarySample.run(file, new PrintStream(text, true, StandardCharsets.UTF_8));
        assertTrue(r.lossAfter() < r.lossBefore() - 0.3, "the loss falls: " + r.lossBefore() + " -> " + r.lossAfter());
        assertTrue(Files.size(file) > 0, "the weights were written");
        assertArrayEquals(r.predicted(), r.predictedByCopy());
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("loss before training") && out.contains("the same predictions"), out);
    }
}
