package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosterCacheTest {
    static final int S = 20;
    static final GenreVocabulary GENRES = new GenreVocabulary(List.of("Action", "Comedy", "Drama"));

    @TempDir
    Path dir;
    Path posters;
    List<PosterSource> sources;

    @BeforeEach
    void posters() throws IOException {
        posters = Files.createDirectories(dir.resolve("posters"));
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.ORANGE, Color.MAGENTA};
        sources = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long id = 1000 + i;
            TestPosters.write(posters.resolve(id + ".jpg"), 30 + i, 44, colors[i], Color.WHITE, i % 2 == 0 ? "jpg" : "png");
            sources.add(new PosterSource(id, posters.resolve(id + ".jpg"), i % 2 == 0 ? List.of("Drama") : List.of("Action", "Comedy")));
        }
        sources.add(new PosterSource(2000, posters.resolve("2000.jpg"), List.of("Drama"))); // missing
        TestPosters.truncatedJpeg(posters.resolve("2001.jpg"));
        sources.add(new PosterSource(2001, posters.resolve("2001.jpg"), List.of("Comedy")));
        Files.writeString(posters.resolve("2002.jpg"), "<html>", StandardCharsets.US_ASCII);
        sources.add(new PosterSource(2002, posters.resolve("2002.jpg"), List.of("Comedy")));
    }

    private PosterCacheBuilder builder(int size) {
        return new PosterCacheBuilder(new PosterImages(size), GENRES, n -> Progress.silent("cache", n));
    }

    @Test
    void batchesEqualDirectDecodingAndBadPostersAreCounted() throws IOException {
        Path file = dir.resolve("cache.bin");
        PosterCacheBuilder.Opened opened = builder(S).openOrBuild(file, sources);
        assertTrue(opened.built());
        try (PosterCache cache = opened.cache()) {
            assertEquals(5, cache.size());
            assertEquals(S, cache.imageSize());
            assertEquals(GENRES, cache.genres());
            assertEquals(List.of(new PosterCache.Failure(2000, PosterException.Reason.MISSING),
                    new PosterCache.Failure(2001, PosterException.Reason.TRUNCATED),
                    new PosterCache.Failure(2002, PosterException.Reason.NOT_AN_IMAGE)), cache.failures());
            int[] batch = {3, 0, 3};
            float[] pixels = new float[3 * cache.pixelsPerImage()];
            float[] labels = new float[3 * 3];
            cache.fillBatch(batch, pixels, labels);
            PosterImages images = new PosterImages(S);
            for (int n = 0; n < batch.length; n++) {
                assertEquals(1000 + batch[n], cache.id(batch[n]));
                float[] direct = images.load(sources.get(batch[n]).file());
                float[] got = java.util.Arrays.copyOfRange(pixels, n * direct.length, (n + 1) * direct.length);
                assertArrayEquals(direct, got);
            }
            assertArrayEquals(new float[] {1, 1, 0, 0, 0, 1, 1, 1, 0}, labels);
            assertThrows(IndexOutOfBoundsException.class, () -> cache.fillBatch(new int[] {5}, pixels, labels));
            float[] labelsOnly = new float[3 * 3];
            cache.fillLabels(batch, labelsOnly);
            assertArrayEquals(labels, labelsOnly, "labels without pixels");
            assertThrows(IndexOutOfBoundsException.class, () -> cache.fillLabels(new int[] {5}, labelsOnly));
        }
    }

    @Test
    void reusedWhenUnchangedRebuiltWhenInputsOrSizeChange() throws IOException {
        Path file = dir.resolve("cache.bin");
        builder(S).openOrBuild(file, sources).cache().close();
        PosterCacheBuilder.Opened again = builder(S).openOrBuild(file, sources);
        again.cache().close();
        assertFalse(again.built(), again.why());

        PosterCacheBuilder.Opened resized = builder(S + 4).openOrBuild(file, sources);
        assertTrue(resized.built());
        assertEquals(S + 4, resized.cache().imageSize());
        resized.cache().close();

        Path first = sources.get(0).file();
        TestPosters.write(first, 50, 50, Color.BLACK, Color.BLACK, "jpg");
        Files.setLastModifiedTime(first, FileTime.fromMillis(Files.getLastModifiedTime(first).toMillis() + 5000));
        PosterCacheBuilder.Opened changed = builder(S + 4).openOrBuild(file, sources);
        try (PosterCache cache = changed.cache()) {
            assertTrue(changed.built());
            float[] pixels = new float[cache.pixelsPerImage()];
            cache.fillBatch(new int[] {0}, pixels, new float[3]);
            assertEquals(0f, pixels[0]); // now black
        }

        TestPosters.write(posters.resolve("2000.jpg"), 30, 30, Color.RED, Color.RED, "jpg"); // missing one appears
        PosterCacheBuilder.Opened grown = builder(S + 4).openOrBuild(file, sources);
        try (PosterCache cache = grown.cache()) {
            assertTrue(grown.built());
            assertEquals(6, cache.size());
        }
    }

    @Test
    void aFailedBuildLeavesTheOldCacheAndNoPartialFile() throws IOException {
        Path file = dir.resolve("cache.bin");
        builder(S).openOrBuild(file, sources).cache().close();
        byte[] before = Files.readAllBytes(file);
        PrintStream broken = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                throw new IllegalStateException("interrupted");
            }
        }, true);
        PosterCacheBuilder failing = new PosterCacheBuilder(new PosterImages(S + 2), GENRES,
                n -> new Progress("cache", n, broken, false, 0));
        assertThrows(RuntimeException.class, () -> failing.openOrBuild(file, sources));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("cache.bin", "posters"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void truncatedOrForeignFileIsRejectedOnOpenAndRebuilt() throws IOException {
        Path file = dir.resolve("cache.bin");
        builder(S).build(file, sources);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 100));
        IOException e = assertThrows(IOException.class, () -> PosterCache.open(file));
        assertTrue(e.getMessage().contains("cache.bin"), e.getMessage());
        PosterCacheBuilder.Opened rebuilt = builder(S).openOrBuild(file, sources);
        assertTrue(rebuilt.built());
        assertTrue(rebuilt.why().contains("unreadable"), rebuilt.why());
        rebuilt.cache().close();
        Files.writeString(file, "hello");
        assertThrows(IOException.class, () -> PosterCache.open(file));
    }

    @Test
    void unknownGenreIsRejectedBeforeAnythingIsWritten() {
        List<PosterSource> bad = List.of(new PosterSource(1, posters.resolve("1000.jpg"), List.of("Western")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder(S).build(dir.resolve("c.bin"), bad));
        assertTrue(e.getMessage().contains("Western"));
        assertFalse(Files.exists(dir.resolve("c.bin")));
    }

    private static void flipBit(Path file, long at) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x04);
        }
    }

    @Test
    void aFlippedBitInTheVocabularyOrInThePixelsIsFoundOnOpenAndTheCacheRebuilt() throws IOException {
        Path file = dir.resolve("cache.bin");
        PosterCacheBuilder b = builder(S);
        b.openOrBuild(file, sources).cache().close();
        byte[] good = Files.readAllBytes(file);
        FileTime modified = Files.getLastModifiedTime(file);
        flipBit(file, PosterCache.HEADER_BYTES + 2);   // "Action" becomes "Acpion"
        IOException e = assertThrows(IOException.class, () -> PosterCache.open(file));
        assertTrue(e.getMessage().contains("vocabulary or index do not match their checksum"), e.getMessage());
        PosterCacheBuilder.Opened again = b.openOrBuild(file, sources);
        assertTrue(again.built() && again.why().contains("do not match their checksum"), again.why());
        assertEquals(GENRES, again.cache().genres());
        again.cache().close();
        assertArrayEquals(good, Files.readAllBytes(file));

        long pixelOffset = java.nio.ByteBuffer.wrap(good).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(40);
        flipBit(file, pixelOffset + 2L * 3 * S * S + 17);   // one byte of the third poster
        Files.setLastModifiedTime(file, modified);
        try (PosterCache opened = PosterCache.open(file)) {
            assertEquals(2, opened.verifyPixels());
        }
        again = b.openOrBuild(file, sources);
        assertTrue(again.built() && again.why().equals("the pixels of poster 1002 do not match their checksum (the file was altered or"
                + " damaged)"), again.why());
        again.cache().close();
        assertArrayEquals(good, Files.readAllBytes(file));
        PosterCacheBuilder.Opened reused = b.openOrBuild(file, sources);
        assertFalse(reused.built());
        assertEquals("inputs unchanged, checksums match", reused.why());
        reused.cache().close();
    }
}
