package org.marquee.engine.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.engine.Backend;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Sequential;
import org.marquee.engine.reference.ReferenceBackend;

/** The weights-only file: exact round trips, its size, and errors that name the file. */
class ModelWeightsTest {
    private final Backend ref = new ReferenceBackend();

    private static Sequential cnn(Backend backend, long seed) {
        return Sequential.builder(backend, 2, 9, 9).convBlock(4, 3).dropout(0.1).flatten().dense(8).relu().dense(3).build(seed);
    }

    @Test
    void roundTripIsBitExactOnAFloat32Backend(@TempDir Path dir) throws Exception {
        try (CpuBackend cpu = new CpuBackend(1)) {
            Sequential a = cnn(cpu, 1), b = cnn(cpu, 2);
            assertFalse(Arrays.equals(a.parameters().toFloats(), b.parameters().toFloats()));
            Path file = dir.resolve("a.weights");
            ModelWeights.save(a, file);
            ModelWeights.load(b, file);
            assertArrayEquals(a.parameters().toFloats(), b.parameters().toFloats());
            ModelWeights.save(b, dir.resolve("b.weights"));
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(dir.resolve("b.weights")));
        }
    }

    @Test
    void aFloat64ModelIsStoredAsFloat32(@TempDir Path dir) throws Exception {
        Sequential a = cnn(ref, 1), b = cnn(ref, 2);
        Path file = dir.resolve("m.weights");
        ModelWeights.save(a, file);
        ModelWeights.load(b, file);
        double[] original = a.parameters().toDoubles(), loaded = b.parameters().toDoubles();
        for (int i = 0; i < original.length; i++) assertEquals((float) original[i], loaded[i], 0, "value " + i);
        ModelWeights.save(b, dir.resolve("again.weights"));
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(dir.resolve("again.weights")), "a second round trip changes nothing");
    }

    @Test
    void aboutFourBytesAParameter(@TempDir Path dir) throws Exception {
        Sequential m = Sequential.builder(ref, 3, 32, 32).convBlock(16, 3).flatten().dense(64).dense(5).build(1);
        Path file = dir.resolve("m.weights");
        ModelWeights.save(m, file);
        long p = m.parameterCount();
        assertTrue(p > 15_000, "" + p);
        long size = Files.size(file);
        assertTrue(size >= 4 * p && size < 4 * p + 1024, size + " bytes for " + p + " parameters");
        // a weights-only checkpoint: magic, version, architecture, input shape, outputs, count, layers, 6 tensors (name + shape),
        // no labels, the training state, no run settings, the values, no optimizer, no extras, the CRC
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        byte[] magic = new byte[8];
        b.get(magic);
        assertEquals("MRQCKPT\u001a", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(org.marquee.engine.checkpoint.CheckpointFile.VERSION, b.getInt());
        assertEquals("sequential", string(b));
        assertArrayEquals(new int[] {3, 3, 32, 32}, new int[] {b.getInt(), b.getInt(), b.getInt(), b.getInt()});
        assertEquals(5, b.getInt());
        assertEquals(p, b.getLong());
        assertTrue(string(b).startsWith("conv2d_1 "), "the layers, one a line");
        assertEquals(6, b.getInt());
        assertEquals("conv2d_1/kernel", string(b));
        assertEquals(4, b.getInt());
        assertArrayEquals(new int[] {16, 3, 3, 3}, new int[] {b.getInt(), b.getInt(), b.getInt(), b.getInt()});
        int values = (int) (size - 8 - 4 - 4 - 4 * p);   // before: no optimizer (an empty name), no extras, the CRC
        assertEquals(4, Files.readAllBytes(file)[values - 9], "float32 elements");
        assertEquals(p, ByteBuffer.wrap(Files.readAllBytes(file), values - 8, 8).getLong());
        assertEquals((float) m.parameters().toDoubles()[0], ByteBuffer.wrap(Files.readAllBytes(file), values, 4).getFloat());
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void everyTruncationIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Sequential m = Sequential.builder(ref, 4).dense(3).build(1);
        Path file = dir.resolve("m.weights");
        ModelWeights.save(m, file);
        byte[] whole = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.weights");
        for (int n = 0; n < whole.length; n++) {
            Files.write(cut, Arrays.copyOf(whole, n));
            var e = assertThrows(ModelFileException.class, () -> ModelWeights.load(m, cut), "cut to " + n + " bytes");
            assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
            assertEquals(cut, e.file());
            if (n >= 8) assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        Files.write(cut, Arrays.copyOf(whole, whole.length + 1));
        assertTrue(assertThrows(ModelFileException.class, () -> ModelWeights.load(m, cut)).getMessage().contains("after the checksum"));
    }

    @Test
    void aFlippedBitFailsTheChecksumAndLoadsNothing(@TempDir Path dir) throws Exception {
        Sequential a = cnn(ref, 1), b = cnn(ref, 2);
        Path file = dir.resolve("m.weights");
        ModelWeights.save(a, file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 0x10;   // inside the last values
        Files.write(file, bytes);
        double[] before = b.parameters().toDoubles();
        var e = assertThrows(ModelFileException.class, () -> ModelWeights.load(b, file));
        assertTrue(e.getMessage().startsWith(file + ": corrupted: CRC32 is "), e.getMessage());
        assertArrayEquals(before, b.parameters().toDoubles(), "the model is untouched");
    }

    @Test
    void anotherModelIsRefusedNamingTheFirstDifference(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.weights");
        ModelWeights.save(cnn(ref, 1), file);
        Sequential wider = Sequential.builder(ref, 2, 9, 9).convBlock(4, 3).flatten().dense(9).relu().dense(3).build(1);
        var e = assertThrows(ModelFileException.class, () -> ModelWeights.load(wider, file));
        assertEquals(file + ": does not fit the model: parameter tensor 3 is dense_1/kernel [36, 8] in the file but dense_1/kernel [36, 9] in the model",
                e.getMessage());
        Sequential shorter = Sequential.builder(ref, 2, 9, 9).convBlock(4, 3).flatten().dense(8).build(1);
        assertEquals(file + ": does not fit the model: the file has 6 parameter tensors but the model has 4 (the file's first extra one is dense_2/kernel [8, 3])",
                assertThrows(ModelFileException.class, () -> ModelWeights.load(shorter, file)).getMessage());
        Sequential input = Sequential.builder(ref, 2, 10, 10).convBlock(4, 3).flatten().dense(8).relu().dense(3).build(1);
        assertTrue(assertThrows(ModelFileException.class, () -> ModelWeights.load(input, file)).getMessage()
                .contains("the file is for inputs of shape [2, 9, 9] but the model takes [2, 10, 10]"));
    }

    @Test
    void nanOrInfinityIsRefusedNamingTheTensor(@TempDir Path dir) throws Exception {
        Sequential m = Sequential.builder(ref, 4).dense(3).dense(2).build(1);   // 15 + 8 parameters
        Path file = dir.resolve("m.weights");
        ModelWeights.save(m, file);
        byte[] bytes = Files.readAllBytes(file);
        int values = bytes.length - 8 - 4 - 4 - 4 * 23;   // the values, then no optimizer, no extras and the CRC
        ByteBuffer.wrap(bytes).putFloat(values + 4 * (15 + 1), Float.POSITIVE_INFINITY);   // dense_2/kernel[1]
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        ByteBuffer.wrap(bytes).putLong(bytes.length - 8, crc.getValue());
        Files.write(file, bytes);
        assertEquals(file + ": unusable: dense_2/kernel[1] is Infinity",
                assertThrows(ModelFileException.class, () -> ModelWeights.load(m, file)).getMessage());

        double[] w = m.parameters().toDoubles();
        w[12 + 1] = Double.NaN;   // dense_1/bias[1]
        ref.upload(m.parameters(), w);
        Path other = dir.resolve("nan.weights");
        assertEquals(other + ": not written: the model's parameter dense_1/bias[1] is NaN",
                assertThrows(ModelFileException.class, () -> ModelWeights.save(m, other)).getMessage());
        assertFalse(Files.exists(other));
    }

    @Test
    void aFailedWriteNamesTheFileAndKeepsTheOldOne(@TempDir Path dir) throws Exception {
        Sequential m = Sequential.builder(ref, 4).dense(3).build(1);
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        Path file = blocker.resolve("m.weights");
        var e = assertThrows(ModelFileException.class, () -> ModelWeights.save(m, file));
        assertTrue(e.getMessage().startsWith(file + ": could not write it: "), e.getMessage());

        Path good = dir.resolve("m.weights");
        Files.writeString(good, "earlier");
        ModelWeights.save(m, good);
        try (var list = Files.list(dir)) {
            assertEquals(2, list.count(), "no temporary file is left beside it");
        }
        assertThrows(ModelFileException.class, () -> ModelWeights.load(m, dir.resolve("not-a-folder")));
        assertTrue(assertThrows(ModelFileException.class, () -> ModelWeights.load(m, blocker)).getMessage()
                .contains("not a Marquee weights file"));
    }
}
