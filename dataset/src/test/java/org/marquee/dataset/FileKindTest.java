package org.marquee.dataset;

import org.marquee.engine.io.FileKind;
import org.marquee.engine.io.AtomicFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths that are not regular files: every reader says what the path is, no writer replaces one. */
class FileKindTest {
    private static final Duration QUICK = Duration.ofSeconds(10);   // a FIFO opened for reading blocks for good

    @TempDir Path dir;

    /** A named pipe in the test folder, or the test is skipped where mkfifo is not available. */
    static Path fifo(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available: " + e.getMessage());
            throw e;
        }
        assumeTrue(mk.waitFor() == 0 && Files.exists(p), "mkfifo failed");
        return p;
    }

    static Path devZero() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "no /dev/zero here");
        return zero;
    }

    @Test
    void eachKindOfPathIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("zero.jpg"), devZero());
        assertEquals(FileKind.REGULAR, FileKind.of(file));
        assertEquals(FileKind.FOLDER, FileKind.of(dir));
        assertEquals(FileKind.MISSING, FileKind.of(dir.resolve("none")));
        assertEquals(FileKind.FIFO, FileKind.of(fifo(dir, "pipe")));
        assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(link));
        assertEquals("a link to a character device (/dev/zero)", FileKind.describe(link));
        assertEquals("a FIFO (named pipe)", FileKind.describe(dir.resolve("pipe")));
    }

    @Test
    void theAtomicWriterNeverReplacesAFifoOrAFolder() throws Exception {
        Path pipe = fifo(dir, "model.onnx");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(pipe, "model"));
        assertTrue(e.getMessage().contains("is a FIFO (named pipe)") && e.getMessage().contains("never replaced"), e.getMessage());
        assertEquals(FileKind.FIFO, FileKind.of(pipe));
        Path folder = Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(IOException.class, () -> AtomicFiles.writeString(folder, "model"));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
        assertTrue(Files.isDirectory(folder));
        assertEquals(List.of(folder, pipe), AtomicFilesTest.list(dir), "no temporary file is left");
    }

    @Test
    void thePosterCacheIsNeverWrittenOverADeviceAndNeverOpenedFromAFifo() throws Exception {
        Path poster = dir.resolve("1.png");
        TestPosters.write(poster, 20, 30, Color.RED, Color.WHITE, "png");
        Path link = Files.createSymbolicLink(dir.resolve("posters.cache"), devZero());
        PosterCacheBuilder builder = new PosterCacheBuilder(new PosterImages(8), GenreVocabulary.STANDARD, n -> Progress.silent("cache", n));
        IOException e = assertThrows(IOException.class, () -> builder.build(link, List.of(new PosterSource(1, poster, List.of("Drama")))));
        assertTrue(e.getMessage().contains("a link to a character device (/dev/zero)"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
        Path pipe = fifo(dir, "pipe.cache");
        IOException open = assertTimeoutPreemptively(QUICK, () -> assertThrows(IOException.class, () -> PosterCache.open(pipe)));
        assertTrue(open.getMessage().contains("is a FIFO (named pipe), not a regular file"), open.getMessage());
    }

    @Test
    void aPosterThatIsAFifoALinkToADeviceOrHugeIsThatPostersFailure() throws Exception {
        Path pipe = fifo(dir, "1.jpg");
        PosterException e = assertTimeoutPreemptively(QUICK, () -> assertThrows(PosterException.class, () -> PosterImages.decode(pipe)));
        assertEquals(PosterException.Reason.UNREADABLE, e.reason());
        assertTrue(e.getMessage().startsWith(pipe + ": ") && e.getMessage().contains("FIFO"), e.getMessage());

        Path zero = Files.createSymbolicLink(dir.resolve("2.jpg"), devZero());
        e = assertTimeoutPreemptively(QUICK, () -> assertThrows(PosterException.class, () -> PosterImages.decode(zero)));
        assertTrue(e.getMessage().contains("a link to a character device (/dev/zero)"), e.getMessage());

        Path huge = dir.resolve("3.jpg");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(PosterImages.MAX_FILE_BYTES + 1);   // sparse: no disk is used
        }
        e = assertThrows(PosterException.class, () -> PosterImages.decode(huge));
        assertEquals(PosterException.Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("larger than 67,108,864 bytes"), e.getMessage());
    }

    @Test
    void aCatalogueOrAGenreListThatIsAFifoIsRefusedWithoutWaiting() throws Exception {
        Path pipe = fifo(dir, "MovieGenre.csv");
        IOException e = assertTimeoutPreemptively(QUICK, () -> assertThrows(IOException.class, () -> MovieGenreCsv.read(pipe)));
        assertTrue(e.getMessage().contains("catalogue is a FIFO (named pipe), not a regular file"), e.getMessage());
        e = assertTimeoutPreemptively(QUICK, () -> assertThrows(IOException.class, () -> GenreVocabulary.load(pipe)));
        assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
        e = assertThrows(IOException.class, () -> MovieGenreCsv.read(dir));
        assertTrue(e.getMessage().contains("catalogue is a folder"), e.getMessage());
    }

    @Test
    void aBoundedReadStopsAfterTheLimit() throws IOException {
        Path f = Files.write(dir.resolve("f"), new byte[100]);
        assertEquals(100, FileKind.readBounded(f, "file", 100).length);
        IOException e = assertThrows(FileKind.TooLargeException.class, () -> FileKind.readBounded(f, "file", 99));
        assertTrue(e.getMessage().contains("larger than 99 bytes"), e.getMessage());
    }
}
