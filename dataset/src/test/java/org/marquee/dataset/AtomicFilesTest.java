package org.marquee.dataset;

import org.marquee.engine.io.AtomicFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    /** A file system of {@code kib} KiB, so that a write can run out of space. */
    static FileSystem small(int kib) {
        return Jimfs.newFileSystem(Configuration.unix().toBuilder().setBlockSize(1024).setMaxSize(kib * 1024L).build());
    }

    static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesLinesAndLeavesOnlyTheTarget() throws IOException {
        Path f = dir.resolve("sub/report.csv");
        AtomicFiles.writeLines(f, List.of("imdbId,reason", "114709,MISSING", "Comédie"));
        assertEquals("imdbId,reason\n114709,MISSING\nComédie\n", Files.readString(f));
        AtomicFiles.writeString(f, "replaced");
        assertEquals("replaced", Files.readString(f));
        assertEquals(List.of(f), list(f.getParent()));
    }

    @Test
    void aWriterThatFillsTheTemporaryFileItselfReplacesOnlyARegularFile() throws IOException {
        Path f = dir.resolve("out/cache.bin");
        Path tmp = AtomicFiles.temporaryFor(f, ".partial");
        assertEquals(f.getParent(), tmp.getParent(), "beside the target, its folder made");
        assertTrue(tmp.getFileName().toString().startsWith(".cache.bin.") && tmp.getFileName().toString().endsWith(".partial"), tmp.toString());
        Files.writeString(tmp, "whole");
        AtomicFiles.moveInto(tmp, f);
        assertEquals("whole", Files.readString(f));
        assertEquals(List.of(f), list(f.getParent()));

        Path folder = Files.createDirectories(dir.resolve("out/a-folder"));
        var e = assertThrows(IOException.class, () -> AtomicFiles.temporaryFor(folder, ".tmp"));
        assertTrue(e.getMessage().contains("is a folder; it is never replaced"), e.getMessage());
        Path late = AtomicFiles.temporaryFor(dir.resolve("out/late"), ".tmp");
        Files.createDirectories(dir.resolve("out/late"));   // the target became a folder while the file was written
        assertThrows(IOException.class, () -> AtomicFiles.moveInto(late, dir.resolve("out/late")));
        assertTrue(Files.isDirectory(dir.resolve("out/late")));
    }

    @Test
    void aFullDiskNamesTheFileKeepsTheOldOneAndLeavesNoTemporaryFile() throws IOException {
        try (FileSystem fs = small(8)) {
            Path f = fs.getPath("/out/epochs.csv");
            AtomicFiles.writeString(f, "epoch\n1\n");
            AtomicFiles.WriteFailedException e = assertThrows(AtomicFiles.WriteFailedException.class,
                    () -> AtomicFiles.write(f, out -> out.write(new byte[64 * 1024])));
            assertTrue(e.getMessage().startsWith("could not write /out/epochs.csv: "), e.getMessage());
            assertTrue(e.getMessage().endsWith("(an earlier epochs.csv, if any, is unchanged)"), e.getMessage());
            assertEquals(f, e.file());
            assertEquals("epoch\n1\n", Files.readString(f));
            assertEquals(List.of(f), list(f.getParent()));
        }
    }

    @Test
    void aBodyThatFailsLeavesTheOldFileToo() throws IOException {
        Path f = dir.resolve("vocabulary.txt");
        AtomicFiles.writeString(f, "Drama\n");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("Act".getBytes());
            throw new IOException("encoder failed");
        }));
        assertTrue(e.getMessage().contains(f + ": encoder failed"), e.getMessage());
        assertEquals("Drama\n", Files.readString(f));
        assertEquals(List.of(f), list(dir));
    }

    @Test
    void aPosterCacheThatDoesNotFitNamesTheCacheFile() throws IOException {
        Path posters = Files.createDirectories(dir.resolve("posters"));
        List<PosterSource> sources = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path p = posters.resolve((100 + i) + ".png");
            TestPosters.write(p, 40, 60, Color.RED, Color.WHITE, "png");
            sources.add(new PosterSource(100 + i, p, List.of("Drama")));
        }
        try (FileSystem fs = small(16)) {   // four 64x64 posters need 48 KiB
            Path cache = fs.getPath("/runs/cache/posters-64.cache");
            PosterCacheBuilder builder = new PosterCacheBuilder(new PosterImages(64), GenreVocabulary.STANDARD,
                    n -> Progress.silent("cache", n));
            AtomicFiles.WriteFailedException e = assertThrows(AtomicFiles.WriteFailedException.class,
                    () -> builder.build(cache, sources));
            assertTrue(e.getMessage().startsWith("could not write /runs/cache/posters-64.cache: "), e.getMessage());
            assertEquals(List.of(), list(cache.getParent()), "no partial cache is left behind");
        }
    }

    @Test
    void aFailureTheSystemGivesNoReasonForIsPutInWords() throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        assertEquals(file + " exists and is a regular file, not a folder",
                AtomicFiles.message(new java.nio.file.FileAlreadyExistsException(file.toString())));
        assertEquals("/proc/marquee: no such file or folder (or none can be made there)",
                AtomicFiles.message(new java.nio.file.NoSuchFileException("/proc/marquee")));
        assertEquals("permission denied on /root/x", AtomicFiles.message(new java.nio.file.AccessDeniedException("/root/x")));
        assertEquals("kept as is", AtomicFiles.message(new IOException("kept as is")));
    }
}
