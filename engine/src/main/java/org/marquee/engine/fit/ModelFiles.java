package org.marquee.engine.fit;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.marquee.engine.Shapes;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointException;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.Checkpoints;
import org.marquee.engine.io.AtomicFiles;
import org.marquee.engine.io.FileKind;
import org.marquee.engine.nn.Parameter;
import org.marquee.engine.nn.Sequential;

/**
 * What {@link ModelWeights} and the training state of {@link Fit} share: both are files of the one
 * model-file format ({@link CheckpointFile}), whose errors become {@link ModelFileException}s
 * naming the file; and the reader of their version 1 formats ("MRQWGHT", "MRQSTAT"), which
 * are still read: big-endian fields ({@link DataOutputStream}; a string is an int byte count then
 * UTF-8), a CRC32 trailer, and the model description that both start with:
 *
 * <pre>
 *   int      input rank R, then R ints: the input shape per example
 *   int      tensor count T
 *   T times: string name ("conv2d_1/kernel"), int rank, then the shape
 * </pre>
 */
final class ModelFiles {
    static final int CHUNK = 1 << 16;   // elements per bulk read or write
    private static final int MAX_STRING_BYTES = 1 << 20;
    private static final int MAX_RANK = 16;
    private static final int MAX_TENSORS = 1 << 20;

    /** The training state {@link Fit} wrote before checkpoints of the one format (MRQSTAT, version 1). */
    static final String LEGACY_STATE = "last.state";
    /** The best epoch's weights {@link Fit} wrote before checkpoints of the one format (MRQWGHT, version 1). */
    static final String LEGACY_BEST = "best.weights";

    private ModelFiles() {}

    /**
     * Reads the checkpoint a run resumes from: one of the one format, or a training state of the
     * earlier format ({@value #LEGACY_STATE}, recognised by its first bytes) as a checkpoint.
     *
     * @param file the file
     * @param model the model it must fit
     * @return the checkpoint
     * @throws IOException naming the file when it cannot be read or does not fit
     */
    static org.marquee.engine.checkpoint.Checkpoint readResumable(Path file, Sequential model) throws IOException {
        if (java.nio.file.Files.isRegularFile(file) && java.util.Arrays.equals(magic(file), TrainingStateFile.MAGIC)) {
            return readLegacyState(file, model);
        }
        return org.marquee.engine.checkpoint.CheckpointFile.read(file);
    }

    /**
     * Reads a training state of the earlier format as a checkpoint.
     *
     * @param file the file
     * @param model the model it must fit
     * @return the checkpoint
     * @throws IOException naming the file when it cannot be read or does not fit
     */
    static org.marquee.engine.checkpoint.Checkpoint readLegacyState(Path file, Sequential model) throws IOException {
        return TrainingStateFile.read(file, model, Integer.MAX_VALUE).toCheckpoint(model);
    }

    /**
     * Writes {@code c} to {@code file} through the one atomic writer; a failure (a full disk, a
     * read-only folder) throws a {@link ModelFileException} naming the file and leaves an earlier
     * file of that name as it was.
     */
    static void write(Checkpoint c, Path file) throws ModelFileException {
        try {
            CheckpointFile.write(c, file);
        } catch (IOException e) {
            IOException cause = e instanceof AtomicFiles.WriteFailedException && e.getCause() instanceof IOException x ? x : e;
            throw new ModelFileException(file, "could not write it: " + AtomicFiles.reason(cause) + " (an earlier " + file.getFileName()
                    + ", if any, is unchanged)", e);
        }
    }

    /**
     * The first eight bytes of {@code file} (fewer if it is shorter): what tells the formats apart.
     * A path that is missing or not a regular file is a {@link ModelFileException}.
     */
    static byte[] magic(Path file) throws IOException {
        FileKind kind = FileKind.of(file);
        if (kind == FileKind.MISSING) throw new ModelFileException(file, "no such file");
        if (kind != FileKind.REGULAR) throw new ModelFileException(file, "is " + FileKind.describe(file) + ", not a model file");
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        }
    }

    /** Whether {@code magic} is that of the one format. */
    static boolean isCheckpoint(byte[] magic) {
        return Arrays.equals(magic, CheckpointFile.magic());
    }

    /** Reads a file of the one format, its errors as {@link ModelFileException}s naming the file and the field. */
    static Checkpoint read(Path file) throws IOException {
        try {
            return CheckpointFile.read(file);
        } catch (CheckpointException e) {
            throw new ModelFileException(file, e.problem(), e);
        }
    }

    /** Where {@code c} does not fit {@code model}, as a {@link ModelFileException}; else nothing. */
    static void requireFits(Checkpoint c, Sequential model, Path file) throws ModelFileException {
        var mismatch = Checkpoints.mismatch(c.model(), model);
        if (mismatch.isPresent()) throw new ModelFileException(file, "does not fit the model: " + mismatch.get());
    }

    /** A tensor of a stored model description. */
    record StoredTensor(String name, int[] shape) {
        long size() { return Shapes.size(shape); }
        String describe() { return name + " " + Arrays.toString(shape); }
    }

    /** A stored model description. */
    record StoredModel(int[] inputShape, List<StoredTensor> tensors) {
        long parameterCount() { return tensors.stream().mapToLong(StoredTensor::size).sum(); }

        /**
         * Null when {@code model} has this input shape and these tensors, names and shapes in this
         * order; otherwise the first difference in words.
         */
        String mismatch(Sequential model) {
            if (!Arrays.equals(inputShape, model.inputShape())) {
                return "the file is for inputs of shape " + Arrays.toString(inputShape) + " but the model takes "
                        + Arrays.toString(model.inputShape());
            }
            List<Parameter> params = model.namedParameters();
            for (int i = 0; i < Math.min(params.size(), tensors.size()); i++) {
                StoredTensor s = tensors.get(i);
                Parameter p = params.get(i);
                if (!s.name().equals(p.name()) || !Arrays.equals(s.shape(), p.value().shape())) {
                    return "parameter tensor " + (i + 1) + " is " + s.describe() + " in the file but "
                            + p.name() + " " + Arrays.toString(p.value().shape()) + " in the model";
                }
            }
            if (params.size() != tensors.size()) {
                return "the file has " + tensors.size() + " parameter tensors but the model has " + params.size()
                        + (params.size() > tensors.size() ? " (the model's first extra one is " + params.get(tensors.size()).name() + ")"
                                : " (the file's first extra one is " + tensors.get(params.size()).describe() + ")");
            }
            return null;
        }
    }

    /** Reads a file's fields, turning an early end into a message that names the file and the field. */
    static final class Reader implements AutoCloseable {
        private final Path file;
        private final long length;
        private final InputStream raw;
        private final CheckedInputStream checked;
        private final DataInputStream in;

        Reader(Path file) throws IOException {
            if (!Files.isRegularFile(file)) throw new ModelFileException(file, "no such file");
            this.file = file;
            this.length = Files.size(file);
            this.raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            this.checked = new CheckedInputStream(raw, new CRC32());
            this.in = new DataInputStream(checked);
        }

        Path file() { return file; }

        ModelFileException error(String problem) { return new ModelFileException(file, problem); }

        /** Reads the magic number; a file that does not start with it is "not a ..." {@code what}. */
        void expectMagic(byte[] magic, String what) throws IOException {
            byte[] got = in.readNBytes(magic.length);
            if (!Arrays.equals(got, magic)) {
                throw error("not " + what + " (the file does not start with \""
                        + new String(magic, 0, magic.length - 1, StandardCharsets.US_ASCII) + "\")");
            }
        }

        int readInt(String what) throws IOException {
            try { return in.readInt(); } catch (EOFException e) { throw truncated(what); }
        }

        long readLong(String what) throws IOException {
            try { return in.readLong(); } catch (EOFException e) { throw truncated(what); }
        }

        double readDouble(String what) throws IOException {
            try { return in.readDouble(); } catch (EOFException e) { throw truncated(what); }
        }

        int readByte(String what) throws IOException {
            try { return in.readUnsignedByte(); } catch (EOFException e) { throw truncated(what); }
        }

        String readString(String what) throws IOException {
            int n = readInt(what);
            if (n < 0 || n > MAX_STRING_BYTES || n > length) throw error("corrupted: " + what + " has length " + n);
            byte[] b = in.readNBytes(n);
            if (b.length < n) throw truncated(what);
            return new String(b, StandardCharsets.UTF_8);
        }

        int[] readShape(String what) throws IOException {
            int rank = readInt("rank of " + what);
            if (rank < 0 || rank > MAX_RANK) throw error("corrupted: " + what + " has rank " + rank);
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = readInt("shape of " + what);
                if (shape[i] < 1) throw error("corrupted: " + what + " has shape " + Arrays.toString(Arrays.copyOf(shape, i + 1)));
            }
            return shape;
        }

        StoredModel readModel() throws IOException {
            int[] input = readShape("the input");
            if (input.length == 0) throw error("corrupted: the input shape is empty");
            int count = readInt("tensor count");
            if (count < 0 || count > MAX_TENSORS) throw error("corrupted: tensor count " + count);
            List<StoredTensor> tensors = new ArrayList<>(count);
            long total = 0;
            for (int i = 0; i < count; i++) {
                String name = readString("name of parameter tensor " + (i + 1));
                int[] shape = readShape(name);
                long size;
                try {
                    size = Shapes.size(shape);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw error("corrupted: " + name + " has shape " + Arrays.toString(shape));
                }
                total += size;
                if (size <= 0 || total > length) {
                    throw error("corrupted: " + name + " " + Arrays.toString(shape) + " is larger than the file (" + length + " bytes)");
                }
                tensors.add(new StoredTensor(name, shape));
            }
            return new StoredModel(input, List.copyOf(tensors));
        }

        /** Reads {@code count} float32 (4) or float64 (8) elements. */
        double[] readValues(long count, int elementBytes, String what) throws IOException {
            if (count < 0 || count > Integer.MAX_VALUE - 8 || count * elementBytes > length) {
                throw truncated(what + " (" + count + " values of " + elementBytes + " bytes)");
            }
            double[] a = new double[(int) count];
            byte[] bytes = new byte[CHUNK * elementBytes];
            for (int start = 0; start < a.length; start += CHUNK) {
                int n = Math.min(a.length - start, CHUNK);
                int got = in.readNBytes(bytes, 0, n * elementBytes);
                if (got < n * elementBytes) throw truncated(what);
                ByteBuffer buf = ByteBuffer.wrap(bytes, 0, got);
                for (int i = 0; i < n; i++) a[start + i] = elementBytes == 4 ? buf.getFloat() : buf.getDouble();
            }
            return a;
        }

        /** Reads the CRC32 trailer, checks it against every byte read so far and that nothing follows. */
        void finish() throws IOException {
            long expected = checked.getChecksum().getValue();
            long stored;
            try {
                stored = new DataInputStream(raw).readLong();
            } catch (EOFException e) {
                throw truncated("the checksum");
            }
            if (stored != expected) throw error(String.format("corrupted: CRC32 is %08x but the file says %08x", expected, stored));
            if (raw.read() != -1) throw error("corrupted: unexpected bytes after the checksum");
        }

        private ModelFileException truncated(String what) {
            return error("truncated: the file (" + length + " bytes) ends while reading " + what);
        }

        @Override
        public void close() throws IOException { raw.close(); }
    }

    /**
     * The first value of {@code values} (laid out as {@code tensors}) that is not finite, in words
     * that name the tensor ("dense_1/kernel[17] is NaN"), or null when all are finite.
     */
    static String firstNonFinite(double[] values, List<StoredTensor> tensors, String array) {
        long start = 0;
        for (StoredTensor t : tensors) {
            long end = start + t.size();
            for (long i = start; i < end && i < values.length; i++) {
                double v = values[(int) i];
                if (!Double.isFinite(v)) return t.name() + "[" + (i - start) + "]" + (array == null ? "" : " (" + array + ")") + " is " + v;
            }
            start = end;
        }
        return null;
    }

    /** The model's description as it would be stored. */
    static List<StoredTensor> tensors(Sequential model) {
        return model.namedParameters().stream().map(p -> new StoredTensor(p.name(), p.value().shape())).toList();
    }
}
