package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two readers of untrusted bytes in this module on arbitrary input. Each either succeeds or
 * fails with its own exception, whose message names the file; any other exception, an
 * {@link Error} included, is a failure. Without {@code JAZZER_FUZZ} each test replays its corpus
 * under {@code src/test/resources/org/marquee/dataset/ParserFuzzTestInputs/<test>}; with it,
 * Jazzer mutates that corpus for the time given (see the {@code fuzz-*} Surefire executions).
 */
class ParserFuzzTest {
    /** MovieGenre.csv: a catalogue, or an IOException that names the file; bad rows are reported, not thrown. */
    @FuzzTest(maxDuration = "20s")
    void catalogueReaderTakesAnyBytes(byte[] bytes) throws IOException {
        Path csv = Files.createTempFile("fuzz", ".csv");
        try {
            Files.write(csv, bytes);
            try {
                MovieGenreCsv.Catalogue c = MovieGenreCsv.read(csv);
                assertEquals(c.report().rowsKept(), c.movies().size());
            } catch (IOException e) {
                assertTrue(e.getMessage().contains(csv.toString()), e.getMessage());
            }
        } finally {
            Files.delete(csv);
        }
    }

    /** A poster file: decoded and resized to a 32x32 cache entry, or a PosterException that names the file. */
    @FuzzTest(maxDuration = "20s")
    void posterDecodingTakesAnyBytes(byte[] bytes) throws IOException {
        Path poster = Files.createTempFile("fuzz", ".jpg");
        try {
            Files.write(poster, bytes);
            PosterImages images = new PosterImages(32);
            try {
                byte[] out = new byte[images.pixelsPerImage()];
                images.toChwBytes(images.resize(PosterImages.decode(poster, 4_000_000)), out, 0);
            } catch (PosterException e) {
                assertTrue(e.getMessage().contains(poster.toString()), e.getMessage());
            }
        } finally {
            Files.delete(poster);
        }
    }
}
