package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The three readers of untrusted bytes in this module on arbitrary input. Each either succeeds or
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

    /**
     * A poster cache file: opened, every poster's pixels checked and read, or an IOException that
     * names the file. The bytes are tried as they are and with the header's checksum made to match
     * what the header declares, so that mutations reach the parser behind the checksum.
     */
    @FuzzTest(maxDuration = "20s")
    void posterCacheReaderTakesAnyBytes(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".cache");
        try {
            for (byte[] variant : new byte[][] {bytes, withMatchingChecksum(bytes)}) {
                Files.write(file, variant);
                try (PosterCache cache = PosterCache.open(file)) {
                    cache.verifyPixels();
                    byte[] pixels = new byte[cache.pixelsPerImage()];
                    float[] labels = new float[cache.genres().size()];
                    for (int i = 0; i < cache.size(); i++) {
                        cache.readBytes(i, pixels, 0);
                        cache.readLabels(i, labels, 0);
                    }
                    assertEquals(cache.size(), cache.ids().length);
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
                }
            }
        } finally {
            Files.delete(file);
        }
    }

    /** {@code bytes} with the header's CRC-32 over what the header says is covered, where that lies inside the bytes. */
    static byte[] withMatchingChecksum(byte[] bytes) {
        if (bytes.length < PosterCache.HEADER_BYTES) return bytes;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes.clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long count = b.getInt(16), g = b.getInt(20), failures = b.getInt(24), vocab = b.getInt(28);
        long meta = vocab + count * (8 + g) + failures * 9 + count * 4;
        if (count < 0 || g < 0 || failures < 0 || vocab < 0 || PosterCache.HEADER_BYTES + meta > bytes.length) return bytes;
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, PosterCache.META_CRC_AT);
        crc.update(bytes, PosterCache.HEADER_BYTES, (int) meta);
        b.putInt(PosterCache.META_CRC_AT, (int) crc.getValue());
        return b.array();
    }
}
