package org.marquee.engine.checkpoint;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    @TempDir Path dir;

    static Checkpoint sample(Checkpoint.Precision precision, boolean optimizer) {
        int p = 1000;
        Random rnd = new Random(7);
        double[] w = new double[p], m = new double[p], v = new double[p];
        for (int i = 0; i < p; i++) {
            double x = rnd.nextGaussian();
            w[i] = precision == Checkpoint.Precision.FLOAT32 ? (float) x : x;
            m[i] = precision == Checkpoint.Precision.FLOAT32 ? (float) (x / 3) : x / 3;
            v[i] = precision == Checkpoint.Precision.FLOAT32 ? (float) (x * x) : x * x;
        }
        ModelSpec spec = new ModelSpec("poster-cnn", 3, 8, 8, 3, p, "conv2d_1 Conv2D [4, 6, 6] 112\ndense_1 Dense [3] 888");
        TrainingState t = new TrainingState(42, 3, 96, 0.25, 2, 1, "epoch,train_loss\n1,0.6\n2,0.5\n3,0.45\n");
        Checkpoint c = optimizer
                ? new Checkpoint(spec, List.of("Drama", "Comédie", "Sci-Fi"), t, precision, w, 96, m, v)
                : new Checkpoint(spec, List.of("Drama", "Comédie", "Sci-Fi"), t, precision, w, 0, null, null);
        RunSettings run = RunSettings.builder().put("--seed", 42).put("--learning-rate", 5e-4).put("data", "synthetic")
                .note("description", "1,000 synthetic posters, 8x8").build();
        return c.with(run, List.of(new NamedArray("train-ids", Checkpoint.Precision.FLOAT64, new double[] {15_000_001, 2, 114_709}),
                new NamedArray("input-mean", Checkpoint.Precision.FLOAT32, new double[] {0.5, 0.25, 0.125})));
    }

    @Test
    void roundTripsEveryFieldExactly() throws IOException {
        for (Checkpoint.Precision precision : Checkpoint.Precision.values()) {
            for (boolean optimizer : new boolean[] {true, false}) {
                Checkpoint c = sample(precision, optimizer);
                Path f = dir.resolve(precision + "-" + optimizer + ".ckpt");
                CheckpointFile.write(c, f);
                Checkpoint r = CheckpointFile.read(f);
                assertEquals(c.model(), r.model());
                assertEquals(c.genres(), r.genres());
                assertEquals(c.training(), r.training());
                assertEquals(precision, r.precision());
                assertArrayEquals(c.weights(), r.weights());
                assertEquals(c.adamT(), r.adamT());
                assertEquals(c.run(), r.run());
                assertEquals(List.of("--seed", "--learning-rate", "data", "note:description"), List.copyOf(r.run().values().keySet()));
                assertEquals(c.extras().size(), r.extras().size());
                for (NamedArray a : c.extras()) {
                    NamedArray b = r.extra(a.name()).orElseThrow();
                    assertEquals(a.precision(), b.precision());
                    assertArrayEquals(a.values(), b.values());
                }
                if (optimizer) {
                    assertArrayEquals(c.adamM(), r.adamM());
                    assertArrayEquals(c.adamV(), r.adamV());
                } else {
                    assertNull(r.adamM());
                }
            }
        }
    }

    @Test
    void float32FileIsAboutHalfTheSize() throws IOException {
        Path a = dir.resolve("a.ckpt"), b = dir.resolve("b.ckpt");
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT32, true), a);
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT64, true), b);
        assertTrue(Files.size(a) < 0.6 * Files.size(b), Files.size(a) + " vs " + Files.size(b));
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("model.ckpt");
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT32, false), f);
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT32, true), f);
        assertTrue(CheckpointFile.read(f).hasOptimizerState());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void rejectsEveryTruncation() throws IOException {
        Path f = dir.resolve("full.ckpt");
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT32, true), f);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.ckpt");
        for (int len : new int[] {0, 5, 8, 11, 40, 200, bytes.length / 2, bytes.length - 9, bytes.length - 1}) {
            Files.write(cut, Arrays.copyOf(bytes, len));
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(cut), "length " + len);
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not a Marquee checkpoint"),
                    "length " + len + ": " + e.getMessage());
        }
    }

    @Test
    void rejectsAFlippedBitWithTheChecksum() throws IOException {
        Path f = dir.resolve("model.ckpt");
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT32, true), f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 2000] ^= 0x10;   // inside Adam v
        Files.write(f, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(f));
        assertTrue(e.getMessage().contains("CRC32"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        Path f = dir.resolve("model.ckpt");
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT32, false), f);
        Files.write(f, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(f));
        assertTrue(e.getMessage().contains("after the checksum"), e.getMessage());
    }

    @Test
    void rejectsForeignFiles() throws IOException {
        Path png = dir.resolve("poster.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13});
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(png));
        assertTrue(e.getMessage().contains("not a Marquee checkpoint"), e.getMessage());
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello, this is not a checkpoint at all", StandardCharsets.UTF_8);
        assertThrows(CheckpointException.class, () -> CheckpointFile.read(text));
        CheckpointException missing = assertThrows(CheckpointException.class, () -> CheckpointFile.read(dir.resolve("nope.ckpt")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    /** format-1.ckpt was written by the format 1 writer: weights, Adam state, no run settings, no extras. */
    @Test
    void readsFormat1Files() throws Exception {
        Path old = Path.of(getClass().getResource("/checkpoints/format-1.ckpt").toURI());
        Checkpoint c = CheckpointFile.read(old);
        assertEquals("poster-cnn 3x2x2 -> 3 (5 parameters)", c.model().headline());
        assertEquals(List.of("Action", "Comedy", "Drama"), c.genres());
        assertEquals(new TrainingState(42, 2, 8, 0.625, 1, 1, "epoch,train_loss\n1,0.7\n2,0.6\n"), c.training());
        assertArrayEquals(new double[] {0.5, -0.25, 1.5, 0, 2}, c.weights());
        assertEquals(8, c.adamT());
        assertArrayEquals(new double[] {0.125, 0.25, -0.5, 0, 1}, c.adamM());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5}, c.adamV());
        assertTrue(c.run().isEmpty());
        assertTrue(c.extras().isEmpty());
        Path again = dir.resolve("again.ckpt");   // rewritten in the current format, it reads back the same
        CheckpointFile.write(c, again);
        assertEquals(CheckpointFile.VERSION, java.nio.ByteBuffer.wrap(Files.readAllBytes(again), 8, 4).getInt());
        Checkpoint r = CheckpointFile.read(again);
        assertEquals(c.training(), r.training());
        assertArrayEquals(c.adamV(), r.adamV());
    }

    @Test
    void rejectsAForgedExtraArrayLengthWithoutAllocatingIt() throws IOException {
        Path f = dir.resolve("model.ckpt");
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT32, false), f);
        byte[] bytes = Files.readAllBytes(f);
        // the last extra array is "input-mean": name, element size 4, length 3, 12 bytes of values, then the 8-byte CRC
        int lengthAt = bytes.length - 8 - 12 - 8;
        assertEquals(3, java.nio.ByteBuffer.wrap(bytes, lengthAt, 8).getLong());
        java.nio.ByteBuffer.wrap(bytes, lengthAt, 8).putLong(Long.MAX_VALUE / 2);
        Files.write(f, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(f));
        assertTrue(e.getMessage().contains("array input-mean has length"), e.getMessage());
    }

    @Test
    void aFailedWriteNamesTheFileAndKeepsThePreviousOne() throws IOException {
        try (var fs = com.google.common.jimfs.Jimfs.newFileSystem(com.google.common.jimfs.Configuration.unix().toBuilder()
                .setMaxSize(16 * 1024).setBlockSize(1024).build())) {
            Path runs = fs.getPath("/runs");
            Path f = runs.resolve("last.ckpt");
            Checkpoint small = sample(Checkpoint.Precision.FLOAT32, false);
            CheckpointFile.write(small, f);
            long before = Files.size(f);
            org.marquee.engine.io.AtomicFiles.WriteFailedException e = assertThrows(
                    org.marquee.engine.io.AtomicFiles.WriteFailedException.class,
                    () -> CheckpointFile.write(sample(Checkpoint.Precision.FLOAT64, true), f));   // 24 KB do not fit beside the 4 KB file
            assertTrue(e.getMessage().startsWith("could not write /runs/last.ckpt: "), e.getMessage());
            assertEquals(f, e.file());
            assertEquals(before, Files.size(f));
            assertArrayEquals(small.weights(), CheckpointFile.read(f).weights());
            try (Stream<Path> files = Files.list(runs)) {
                assertEquals(List.of(f), files.toList(), "no temporary file is left behind");
            }
        }
    }

    @Test
    void rejectsAnotherFormatVersion() throws IOException {
        Path f = dir.resolve("model.ckpt");
        CheckpointFile.write(sample(Checkpoint.Precision.FLOAT32, false), f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[11] = 9;   // version int follows the 8-byte magic
        Files.write(f, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(f));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
        assertFalse(e.getMessage().contains("CRC"), "the version is checked before the checksum");
    }

    @Test
    void aCheckpointPathThatIsAFolderAFifoOrALinkToADeviceSaysWhatItIs() throws Exception {
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(dir));
        assertTrue(e.getMessage().contains("is a folder, not a checkpoint file"), e.getMessage());
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero));
        Path link = Files.createSymbolicLink(dir.resolve("best.ckpt"), zero);
        e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(link));
        assertTrue(e.getMessage().contains("is a link to a character device (/dev/zero)"), e.getMessage());
        Path pipe = dir.resolve("last.ckpt");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor() == 0);
        e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> assertThrows(CheckpointException.class, () -> CheckpointFile.read(pipe)));
        assertTrue(e.getMessage().contains("is a FIFO (named pipe)"), e.getMessage());
    }
}
