package org.marquee.app.checkpoint;

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

/**
 * Reads and writes {@link Checkpoint}s in Marquee's binary format, version 2; version 1 files are
 * still read (without run settings or extra arrays). Big-endian ({@link DataOutputStream});
 * strings are an int byte count followed by UTF-8.
 *
 * <pre>
 *   8 bytes  magic "MRQCKPT" + 0x1A
 *   int      format version (2; 1 lacks the two sections marked v2)
 *   model    string architecture, int channels, height, width, classes, long parameters, string layers
 *   genres   int count, then count strings (label order of the outputs)
 *   training long seed, int epoch, long step, double best val loss, int best epoch, int stale epochs, string log
 *   run      (v2) int count, then count pairs of strings: option, value
 *   arrays   byte element size (4 = float32, 8 = float64), long count P,
 *            P weights, byte has-optimizer (0/1), and if 1: long Adam t, P values of m, P values of v
 *   extras   (v2) int count, then for each: string name, byte element size, long length, the values
 *   long     CRC32 of every byte above
 * </pre>
 *
 * Writes go to a temporary file beside the target, which is renamed over it only when complete; a
 * write that fails (a full disk) names the file and leaves the previous one in place.
 */
public final class CheckpointFile {
    public static final int VERSION = 2;
    /** The oldest format version this build still reads. */
    public static final int OLDEST_READABLE = 1;
    static final byte[] MAGIC = {'M', 'R', 'Q', 'C', 'K', 'P', 'T', 0x1A};
    private static final int MAX_STRING_BYTES = 64 << 20;
    private static final int MAX_GENRES = 100_000;
    private static final int MAX_SETTINGS = 100_000;
    private static final int MAX_EXTRAS = 10_000;
    private static final int CHUNK = 1 << 16;   // elements per bulk write/read

    private CheckpointFile() {}

    /**
     * Writes {@code c} to {@code file} atomically; a failed write (a full disk) throws an
     * {@link AtomicFiles.WriteFailedException} naming the file and leaves the old file in place.
     */
    public static void write(Checkpoint c, Path file) throws IOException {
        AtomicFiles.write(file, raw -> {
            CheckedOutputStream checked = new CheckedOutputStream(raw, new CRC32());
            DataOutputStream out = new DataOutputStream(checked);
            out.write(MAGIC);
            out.writeInt(VERSION);
            ModelSpec m = c.model();
            writeString(out, m.architecture());
            out.writeInt(m.channels()); out.writeInt(m.height()); out.writeInt(m.width()); out.writeInt(m.classes());
            out.writeLong(m.parameterCount());
            writeString(out, m.layers());
            out.writeInt(c.genres().size());
            for (String g : c.genres()) writeString(out, g);
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
            out.writeBoolean(c.hasOptimizerState());
            if (c.hasOptimizerState()) {
                out.writeLong(c.adamT());
                writeArray(out, c.adamM(), c.precision());
                writeArray(out, c.adamV(), c.precision());
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

    public static Checkpoint read(Path file) throws IOException {
        org.marquee.engine.io.FileKind kind = org.marquee.engine.io.FileKind.of(file);
        if (kind == org.marquee.engine.io.FileKind.MISSING) throw new CheckpointException(file, "no such file");
        if (kind != org.marquee.engine.io.FileKind.REGULAR) {
            throw new CheckpointException(file, "is " + org.marquee.engine.io.FileKind.describe(file) + ", not a checkpoint file");
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
                model = new ModelSpec(r.readString("architecture"), r.readInt("channels"), r.readInt("height"),
                        r.readInt("width"), r.readInt("classes"), r.readLong("parameter count"), r.readString("layers"));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "corrupted model description: " + e.getMessage(), e);
            }
            int genreCount = r.readInt("genre count");
            if (genreCount < 0 || genreCount > MAX_GENRES) throw new CheckpointException(file, "corrupted: genre count " + genreCount);
            List<String> genres = new ArrayList<>(genreCount);
            for (int i = 0; i < genreCount; i++) genres.add(r.readString("genre " + i));
            TrainingState training;
            try {
                training = new TrainingState(r.readLong("seed"), r.readInt("epoch"), r.readLong("step"),
                        r.readDouble("best validation loss"), r.readInt("best epoch"), r.readInt("stale epochs"), r.readString("log"));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "corrupted training state: " + e.getMessage(), e);
            }
            RunSettings run = RunSettings.NONE;
            if (version >= 2) {
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
            boolean hasOptimizer = r.readByte("optimizer flag") != 0;
            long adamT = 0;
            double[] m = null, v = null;
            if (hasOptimizer) {
                adamT = r.readLong("Adam step");
                m = r.readArray(count, precision, "Adam m");
                v = r.readArray(count, precision, "Adam v");
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
                return new Checkpoint(model, genres, training, precision, weights, adamT, m, v, run, extras);
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

        long readTrailer(InputStream raw) throws IOException {
            try { return new DataInputStream(raw).readLong(); } catch (EOFException e) { throw truncated("checksum", e); }
        }

        CheckpointException truncated(String what, Throwable cause) {
            return new CheckpointException(file, "truncated: the file (" + length + " bytes) ends while reading " + what, cause);
        }
    }
}
