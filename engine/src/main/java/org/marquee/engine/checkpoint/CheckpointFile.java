package org.marquee.engine.checkpoint;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.marquee.engine.io.AtomicFiles;
import org.marquee.engine.io.FileKind;

/**
 * Reads and writes {@link Checkpoint}s, full training checkpoints and weights-only files alike,
 * in Marquee's binary format, version 3; versions 1 and 2 are still read (into the same records:
 * no tensor list, Adam's state as an optimizer named "adam", and in version 1 no run settings or
 * extra arrays). Big-endian ({@link DataOutputStream}); a string is an int byte count followed by
 * UTF-8.
 *
 * <pre>
 *   8 bytes   magic "MRQCKPT" + 0x1A
 *   int       format version (3)
 *   model     string architecture, int input rank R, R ints (the shape of one example),
 *             int outputs, long parameters P, string layers,
 *             int tensor count T, T times: string name, int rank, the shape (their sizes add up to P)
 *   labels    int count (0 or the outputs), then count strings (the label of each output)
 *   training  long seed, int epoch, long step, double best score, int best epoch, int stale epochs, string log
 *   run       int count, then count pairs of strings: option, value
 *   weights   byte element size (4 = float32, 8 = float64), long count P, P values
 *   optimizer string name ("" for none: a weights-only file), and if not empty:
 *             long steps, int array count A, A times: string name, byte element size, P values
 *   extras    int count, then for each: string name, byte element size, long length, the values
 *   long      CRC32 of every byte above
 * </pre>
 *
 * Versions 1 and 2 have, in this order: magic, version, the model as string architecture, int
 * channels, height, width, classes, long parameters, string layers; the labels; the training
 * state; (2) the run settings; the element size, P and the weights; byte has-optimizer and if 1
 * long Adam t, P values of m and P of v; (2) the extras; the CRC32.
 *
 * <p>Writes go through {@link AtomicFiles}: a temporary file beside the target is renamed over it
 * only when complete; a write that fails (a full disk) names the file and leaves the previous one
 * in place. Every read error is a {@link CheckpointException} that names the file and the field.
 */
public final class CheckpointFile {
    /** The format version this build writes. */
    public static final int VERSION = 3;
    /** The oldest format version this build still reads. */
    public static final int OLDEST_READABLE = 1;
    static final byte[] MAGIC = {'M', 'R', 'Q', 'C', 'K', 'P', 'T', 0x1A};

    /**
     * The eight bytes every file of this format starts with, "MRQCKPT" and 0x1A.
     *
     * @return a copy of them
     */
    public static byte[] magic() { return MAGIC.clone(); }
    private static final int MAX_STRING_BYTES = 64 << 20;
    private static final int MAX_GENRES = 100_000;
    private static final int MAX_SETTINGS = 100_000;
    private static final int MAX_EXTRAS = 10_000;
    private static final int MAX_RANK = 16;
    private static final int MAX_TENSORS = 1 << 20;
    private static final int CHUNK = 1 << 16;   // elements per bulk write/read

    private CheckpointFile() {}

    /**
     * Writes {@code c} to {@code file} atomically in the current format; a failed write (a full
     * disk) throws an {@link AtomicFiles.WriteFailedException} naming the file and leaves the old
     * file in place.
     *
     * @param c the checkpoint
     * @param file the target, replaced whole or not at all
     * @throws IOException when the write fails
     */
    public static void write(Checkpoint c, Path file) throws IOException {
        AtomicFiles.write(file, raw -> {
            CheckedOutputStream checked = new CheckedOutputStream(raw, new CRC32());
            DataOutputStream out = new DataOutputStream(checked);
            out.write(MAGIC);
            out.writeInt(VERSION);
            ModelSpec m = c.model();
            writeString(out, m.architecture());
            writeShape(out, m.inputShape());
            out.writeInt(m.outputs());
            out.writeLong(m.parameterCount());
            writeString(out, m.layers());
            out.writeInt(m.tensors().size());
            for (ModelSpec.TensorSpec t : m.tensors()) {
                writeString(out, t.name());
                writeShape(out, t.shape());
            }
            out.writeInt(c.labels().size());
            for (String g : c.labels()) writeString(out, g);
            TrainingState t = c.training();
            out.writeLong(t.seed()); out.writeInt(t.epoch()); out.writeLong(t.step());
            out.writeDouble(t.bestScore()); out.writeInt(t.bestEpoch()); out.writeInt(t.staleEpochs());
            writeString(out, t.log());
            out.writeInt(c.run().values().size());
            for (var e : c.run().values().entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            out.writeByte(c.precision().bytes);
            out.writeLong(c.weights().length);
            writeArray(out, c.weights(), c.precision());
            OptimizerState o = c.optimizer();
            writeString(out, o == null ? "" : o.name());
            if (o != null) {
                out.writeLong(o.steps());
                out.writeInt(o.arrays().size());
                for (NamedArray a : o.arrays()) {
                    writeString(out, a.name());
                    out.writeByte(a.precision().bytes);
                    writeArray(out, a.values(), a.precision());
                }
            }
            out.writeInt(c.extras().size());
            for (NamedArray a : c.extras()) {
                writeString(out, a.name());
                out.writeByte(a.precision().bytes);
                out.writeLong(a.values().length);
                writeArray(out, a.values(), a.precision());
            }
            out.flush();
            new DataOutputStream(raw).writeLong(checked.getChecksum().getValue());
        });
    }

    /**
     * Reads a checkpoint of any format from version {@value #OLDEST_READABLE} to {@value #VERSION}.
     *
     * @param file the checkpoint file
     * @return the checkpoint, its checksum verified
     * @throws CheckpointException when the file is missing, not a regular file, foreign,
     *         truncated, corrupted or of an unknown version; the message names the file and the field
     * @throws IOException when reading fails
     */
    public static Checkpoint read(Path file) throws IOException {
        FileKind kind = FileKind.of(file);
        if (kind == FileKind.MISSING) throw new CheckpointException(file, "no such file");
        if (kind != FileKind.REGULAR) {
            throw new CheckpointException(file, "is " + FileKind.describe(file) + ", not a checkpoint file");
        }
        long length = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CheckedInputStream checked = new CheckedInputStream(raw, new CRC32());
            DataInputStream in = new DataInputStream(checked);
            Reader r = new Reader(file, in, length);
            byte[] magic = new byte[MAGIC.length];
            int got = in.readNBytes(magic, 0, magic.length);
            if (got < magic.length || !java.util.Arrays.equals(magic, MAGIC)) {
                throw new CheckpointException(file, "not a Marquee checkpoint (the file does not start with \"MRQCKPT\")");
            }
            int version = r.readInt("format version");
            if (version < OLDEST_READABLE || version > VERSION) {
                throw new CheckpointException(file, "format version " + version + " is not supported (this build reads versions "
                        + OLDEST_READABLE + " to " + VERSION + ")");
            }
            ModelSpec model;
            try {
                model = version >= 3 ? r.readModel()
                        : new ModelSpec(r.readString("architecture"), r.readInt("channels"), r.readInt("height"),
                                r.readInt("width"), r.readInt("classes"), r.readLong("parameter count"), r.readString("layers"));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "corrupted model description: " + e.getMessage(), e);
            }
            String label = version >= 3 ? "label" : "genre";
            int genreCount = r.readInt(label + " count");
            if (genreCount < 0 || genreCount > MAX_GENRES) throw new CheckpointException(file, "corrupted: " + label + " count " + genreCount);
            List<String> genres = new ArrayList<>(genreCount);
            for (int i = 0; i < genreCount; i++) genres.add(r.readString(label + " " + i));
            TrainingState training;
            try {
                training = new TrainingState(r.readLong("seed"), r.readInt("epoch"), r.readLong("step"),
                        r.readDouble("best validation loss"), r.readInt("best epoch"), r.readInt("stale epochs"), r.readString("log"));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "corrupted training state: " + e.getMessage(), e);
            }
            RunSettings run = RunSettings.NONE;
            if (version >= 2) {   // run settings
                int settings = r.readInt("run setting count");
                if (settings < 0 || settings > MAX_SETTINGS) throw new CheckpointException(file, "corrupted: run setting count " + settings);
                var values = new java.util.LinkedHashMap<String, String>();
                for (int i = 0; i < settings; i++) {
                    String key = r.readString("run setting " + i);
                    if (key.isBlank() || values.put(key, r.readString("run setting " + key)) != null) {
                        throw new CheckpointException(file, "corrupted: run setting " + i + " has an empty or repeated name '" + key + "'");
                    }
                }
                run = new RunSettings(values);
            }
            Checkpoint.Precision precision = r.readPrecision("element size");
            long count = r.readLong("parameter count");
            if (count != model.parameterCount()) {
                throw new CheckpointException(file, "corrupted: " + count + " stored weights but the model has " + model.parameterCount());
            }
            if (count > length / precision.bytes || count > Integer.MAX_VALUE - 8) {
                throw new CheckpointException(file, "truncated: " + count + " weights need " + count * precision.bytes
                        + " bytes but the file has " + length);
            }
            double[] weights = r.readArray(count, precision, "weights");
            OptimizerState optimizer;
            try {
                optimizer = version >= 3 ? r.readOptimizer(count) : r.readAdam(count, precision);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "corrupted optimizer state: " + e.getMessage(), e);
            }
            List<NamedArray> extras = new ArrayList<>();
            if (version >= 2) {
                int n = r.readInt("extra array count");
                if (n < 0 || n > MAX_EXTRAS) throw new CheckpointException(file, "corrupted: extra array count " + n);
                var names = new java.util.HashSet<String>();
                for (int i = 0; i < n; i++) {
                    String name = r.readString("extra array " + i);
                    if (name.isBlank() || !names.add(name)) {
                        throw new CheckpointException(file, "corrupted: extra array " + i + " has an empty or repeated name '" + name + "'");
                    }
                    Checkpoint.Precision p = r.readPrecision("element size of " + name);
                    long len = r.readLong("length of " + name);
                    if (len < 0 || len > Integer.MAX_VALUE - 8 || len * p.bytes > length) {
                        throw new CheckpointException(file, "corrupted: array " + name + " has length " + len
                                + " but the file has " + length + " bytes");
                    }
                    extras.add(new NamedArray(name, p, r.readArray(len, p, name)));
                }
            }
            long expected = checked.getChecksum().getValue();
            long stored = r.readTrailer(raw);
            if (stored != expected) {
                throw new CheckpointException(file, String.format("corrupted: CRC32 is %08x but the file says %08x", expected, stored));
            }
            if (raw.read() != -1) throw new CheckpointException(file, "corrupted: unexpected bytes after the checksum");
            try {
                return new Checkpoint(model, genres, training, precision, weights, optimizer, run, extras);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "inconsistent: " + e.getMessage(), e);
            }
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeShape(DataOutputStream out, int[] shape) throws IOException {
        out.writeInt(shape.length);
        for (int d : shape) out.writeInt(d);
    }

    private static void writeArray(DataOutputStream out, double[] a, Checkpoint.Precision p) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * p.bytes);   // big-endian like DataOutputStream
        for (int start = 0; start < a.length; start += CHUNK) {
            int end = Math.min(a.length, start + CHUNK);
            buf.clear();
            for (int i = start; i < end; i++) {
                if (p == Checkpoint.Precision.FLOAT32) buf.putFloat((float) a[i]); else buf.putDouble(a[i]);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** Reads fields, turning an early end of file into a message that names the field. */
    private record Reader(Path file, DataInputStream in, long length) {
        int readInt(String what) throws IOException { try { return in.readInt(); } catch (EOFException e) { throw truncated(what, e); } }
        long readLong(String what) throws IOException { try { return in.readLong(); } catch (EOFException e) { throw truncated(what, e); } }
        double readDouble(String what) throws IOException { try { return in.readDouble(); } catch (EOFException e) { throw truncated(what, e); } }
        int readByte(String what) throws IOException { try { return in.readUnsignedByte(); } catch (EOFException e) { throw truncated(what, e); } }

        Checkpoint.Precision readPrecision(String what) throws IOException {
            int code = readByte(what);
            Checkpoint.Precision p = Checkpoint.Precision.ofCode(code);
            if (p == null) throw new CheckpointException(file, "corrupted: " + what + " " + code + " (expected 4 or 8)");
            return p;
        }

        String readString(String what) throws IOException {
            int n = readInt(what);
            if (n < 0 || n > MAX_STRING_BYTES || n > length) throw new CheckpointException(file, "corrupted: " + what + " has length " + n);
            byte[] b = in.readNBytes(n);
            if (b.length < n) throw truncated(what, null);
            return new String(b, StandardCharsets.UTF_8);
        }

        double[] readArray(long count, Checkpoint.Precision p, String what) throws IOException {
            double[] a = new double[Math.toIntExact(count)];
            byte[] bytes = new byte[CHUNK * p.bytes];
            for (int start = 0; start < a.length; start += CHUNK) {
                int n = Math.min(a.length - start, CHUNK);
                int got = in.readNBytes(bytes, 0, n * p.bytes);
                if (got < n * p.bytes) throw truncated(what, null);
                ByteBuffer buf = ByteBuffer.wrap(bytes, 0, got);
                for (int i = 0; i < n; i++) a[start + i] = p == Checkpoint.Precision.FLOAT32 ? buf.getFloat() : buf.getDouble();
            }
            return a;
        }

        int[] readShape(String what) throws IOException {
            int rank = readInt("rank of " + what);
            if (rank < 1 || rank > MAX_RANK) throw new CheckpointException(file, "corrupted: " + what + " has rank " + rank);
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = readInt("shape of " + what);
                if (shape[i] < 1) {
                    throw new CheckpointException(file, "corrupted: " + what + " has shape "
                            + java.util.Arrays.toString(java.util.Arrays.copyOf(shape, i + 1)));
                }
            }
            return shape;
        }

        /** The version 3 model description. */
        ModelSpec readModel() throws IOException {
            String architecture = readString("architecture");
            int[] input = readShape("the input");
            int outputs = readInt("outputs");
            long parameters = readLong("parameter count");
            String layers = readString("layers");
            int count = readInt("tensor count");
            if (count < 0 || count > MAX_TENSORS) throw new CheckpointException(file, "corrupted: tensor count " + count);
            List<ModelSpec.TensorSpec> tensors = new ArrayList<>(Math.min(count, 1024));
            long total = 0;
            for (int i = 0; i < count; i++) {
                String name = readString("name of parameter tensor " + (i + 1));
                int[] shape = readShape(name);
                ModelSpec.TensorSpec t;
                try {
                    t = new ModelSpec.TensorSpec(name, shape);
                    total = Math.addExact(total, t.size());
                } catch (ArithmeticException e) {
                    throw new CheckpointException(file, "corrupted: " + name + " has shape " + java.util.Arrays.toString(shape));
                }
                if (total > length) {
                    throw new CheckpointException(file, "corrupted: " + t.describe() + " is larger than the file (" + length + " bytes)");
                }
                tensors.add(t);
            }
            return new ModelSpec(architecture, input, outputs, parameters, layers, tensors);
        }

        /** The version 3 optimizer section: none, or a named optimizer's steps and arrays of {@code count} values. */
        OptimizerState readOptimizer(long count) throws IOException {
            String name = readString("optimizer name");
            if (name.isEmpty()) return null;
            long steps = readLong("step count of " + name);
            int n = readInt("array count of " + name);
            if (n < 0 || n > MAX_EXTRAS) throw new CheckpointException(file, "corrupted: " + name + " has " + n + " state arrays");
            List<NamedArray> arrays = new ArrayList<>(n);
            var names = new java.util.HashSet<String>();
            for (int i = 0; i < n; i++) {
                String array = readString("name of " + name + " array " + (i + 1));
                if (array.isBlank() || !names.add(array)) {
                    throw new CheckpointException(file, "corrupted: " + name + " array " + (i + 1) + " has an empty or repeated name '" + array + "'");
                }
                Checkpoint.Precision p = readPrecision("element size of " + name + " " + array);
                if (count > length / p.bytes) {
                    throw new CheckpointException(file, "truncated: " + name + " " + array + " needs " + count * p.bytes
                            + " bytes but the file has " + length);
                }
                arrays.add(new NamedArray(array, p, readArray(count, p, name + " " + array)));
            }
            return new OptimizerState(name, steps, arrays);
        }

        /** The version 1 and 2 optimizer section: a flag, then Adam's t, m and v. */
        OptimizerState readAdam(long count, Checkpoint.Precision precision) throws IOException {
            if (readByte("optimizer flag") == 0) return null;
            long t = readLong("Adam step");
            double[] m = readArray(count, precision, "Adam m");
            double[] v = readArray(count, precision, "Adam v");
            return OptimizerState.adam(precision, t, m, v);
        }

        long readTrailer(InputStream raw) throws IOException {
            try { return new DataInputStream(raw).readLong(); } catch (EOFException e) { throw truncated("checksum", e); }
        }

        CheckpointException truncated(String what, Throwable cause) {
            return new CheckpointException(file, "truncated: the file (" + length + " bytes) ends while reading " + what, cause);
        }
    }
}
