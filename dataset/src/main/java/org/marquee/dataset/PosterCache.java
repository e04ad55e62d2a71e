package org.marquee.dataset;

import org.marquee.engine.io.FileKind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A preprocessed poster set read back memory-mapped: every poster decoded and resized once, stored
 * as 8-bit (3, S, S) pixels behind an index of imdbIds and multi-hot labels. Written by
 * {@link PosterCacheBuilder}. Layout (little-endian):
 *
 * <pre>
 * 0   "MQPCACHE"  int version  int S  int count  int G  int failures  int vocabBytes
 * 32  long fingerprint  long pixelOffset  int metaCrc  (12 reserved bytes)
 * 64  vocabulary: UTF-8 names joined by '\n'
 *     index:    count x (long imdbId, G label bytes 0/1)
 *     failures: failures x (long imdbId, byte reason ordinal)
 *     pixel checksums: count x int, the CRC-32 of each poster's pixels
 * pixelOffset (4096-aligned): count x 3*S*S bytes, (count, 3, S, S)
 * </pre>
 *
 * metaCrc is the CRC-32 of the header's first 48 bytes and of everything from the vocabulary to
 * the pixel checksums: checked on open. The pixels are checked against their checksums by
 * {@link #verifyPixels()}, one pass over the file.
 */
public final class PosterCache implements PosterDataset, Closeable {
    static final byte[] MAGIC = "MQPCACHE".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    /** Where the header holds metaCrc; the bytes before it are covered by it. */
    static final int META_CRC_AT = 48;
    static final int HEADER_BYTES = 64;
    /** Largest mapping; each chunk holds a whole number of images. */
    private static final long MAX_CHUNK = 1L << 30;

    /** A poster left out of the cache, and why. */
    public record Failure(long imdbId, PosterException.Reason reason) {}

    private final Path file;
    private final FileChannel channel;
    private final int imageSize;
    private final int pixelsPerImage;
    private final long fingerprint;
    private final GenreVocabulary genres;
    private final long[] ids; // (count)
    private final byte[] labels; // (count, G) 0/1
    private final List<Failure> failures;
    private final int[] pixelCrcs; // (count)
    private final int imagesPerChunk;
    private final MappedByteBuffer[] chunks;
    private final ThreadLocal<byte[]> scratch;

    private PosterCache(Path file) throws IOException {
        this.file = file;
        FileKind.requireReadable(file, "poster cache");
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer head = read(0, HEADER_BYTES);
            byte[] magic = new byte[MAGIC.length];
            head.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw corrupt("not a poster cache (bad magic)");
            }
            int version = head.getInt();
            if (version != VERSION) {
                throw corrupt("cache format version " + version + ", this reader knows " + VERSION);
            }
            imageSize = head.getInt();
            int count = head.getInt();
            int g = head.getInt();
            int failureCount = head.getInt();
            int vocabBytes = head.getInt();
            fingerprint = head.getLong();
            long pixelOffset = head.getLong();
            int metaCrc = head.getInt();
            if (imageSize < 1 || imageSize > 4096 || count < 0 || g < 1 || failureCount < 0 || vocabBytes < 1) {
                throw corrupt("bad header values");
            }
            pixelsPerImage = 3 * imageSize * imageSize;
            long indexBytes = (long) count * (8 + g) + (long) failureCount * 9 + (long) count * 4;
            if (pixelOffset < HEADER_BYTES + vocabBytes + indexBytes
                    || channel.size() < pixelOffset + (long) count * pixelsPerImage) {
                throw corrupt("file is shorter than its header says (" + channel.size() + " bytes)");
            }
            if (vocabBytes + indexBytes > Integer.MAX_VALUE - 64) throw corrupt("bad header values");
            ByteBuffer meta = read(HEADER_BYTES, (int) (vocabBytes + indexBytes));
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(head.array(), 0, META_CRC_AT);
            crc.update(meta.duplicate());
            if ((int) crc.getValue() != metaCrc) {
                throw corrupt("header, vocabulary or index do not match their checksum (the file was altered or damaged)");
            }
            byte[] vocab = new byte[vocabBytes];
            meta.get(vocab);
            genres = new GenreVocabulary(List.of(new String(vocab, StandardCharsets.UTF_8).split("\n")));
            if (genres.size() != g) {
                throw corrupt("vocabulary has " + genres.size() + " names, header says " + g);
            }
            ids = new long[count];
            labels = new byte[count * g];
            for (int i = 0; i < count; i++) {
                ids[i] = meta.getLong();
                meta.get(labels, i * g, g);
            }
            List<Failure> f = new ArrayList<>(failureCount);
            PosterException.Reason[] reasons = PosterException.Reason.values();
            for (int i = 0; i < failureCount; i++) {
                long id = meta.getLong();
                int r = meta.get();
                f.add(new Failure(id, reasons[Math.min(Math.max(r, 0), reasons.length - 1)]));
            }
            failures = List.copyOf(f);
            pixelCrcs = new int[count];
            for (int i = 0; i < count; i++) pixelCrcs[i] = meta.getInt();
            imagesPerChunk = (int) Math.max(1, MAX_CHUNK / pixelsPerImage);
            int chunkCount = (count + imagesPerChunk - 1) / imagesPerChunk;
            chunks = new MappedByteBuffer[chunkCount];
            for (int c = 0; c < chunkCount; c++) {
                int images = Math.min(imagesPerChunk, count - c * imagesPerChunk);
                chunks[c] = channel.map(FileChannel.MapMode.READ_ONLY,
                        pixelOffset + (long) c * imagesPerChunk * pixelsPerImage, (long) images * pixelsPerImage);
            }
            scratch = ThreadLocal.withInitial(() -> new byte[pixelsPerImage]);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e instanceof IOException io ? io : new IOException(file + ": unreadable poster cache: " + e, e);
        }
    }

    /** Opens an existing cache file; a bad or truncated file is an IOException naming it. */
    public static PosterCache open(Path file) throws IOException {
        return new PosterCache(file);
    }

    private ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                throw corrupt("file ends at byte " + (position + b.position()) + ", expected " + (position + length));
            }
        }
        return b.flip();
    }

    private IOException corrupt(String why) {
        return new IOException(file + ": " + why);
    }

    public Path file() {
        return file;
    }

    /** The hash of the inputs this cache was built from (see {@link PosterCacheBuilder#fingerprint}). */
    public long fingerprint() {
        return fingerprint;
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public GenreVocabulary genres() {
        return genres;
    }

    @Override
    public long id(int index) {
        return ids[index];
    }

    /** The imdbIds of every poster, in cache order. */
    @Override
    public long[] ids() {
        return ids.clone();
    }

    /** Posters of the inputs that were left out (missing, truncated, not an image...). */
    public List<Failure> failures() {
        return failures;
    }

    /**
     * Checks every poster's pixels against its checksum, in parallel: the index of the first
     * poster that does not match, or -1 when all do.
     */
    public int verifyPixels() {
        return java.util.stream.IntStream.range(0, ids.length).parallel().filter(i -> {
            byte[] bytes = scratch.get();
            readBytes(i, bytes, 0);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(bytes, 0, pixelsPerImage);
            return (int) crc.getValue() != pixelCrcs[i];
        }).min().orElse(-1);
    }

    /** Copies poster {@code index}'s 8-bit pixels (3, S, S) into out[offset ..]. */
    public void readBytes(int index, byte[] out, int offset) {
        MappedByteBuffer chunk = chunks[index / imagesPerChunk];
        chunk.get((index % imagesPerChunk) * pixelsPerImage, out, offset, pixelsPerImage);
    }

    /** Writes poster {@code index}'s labels (G values, 0 or 1) into out[offset ..]. */
    public void readLabels(int index, float[] out, int offset) {
        int g = genres.size();
        for (int k = 0; k < g; k++) {
            out[offset + k] = labels[index * g + k];
        }
    }

    @Override
    public void fillBatch(int[] indices, float[] pixels, float[] labelsOut) {
        int g = genres.size();
        if (pixels.length < indices.length * pixelsPerImage || labelsOut.length < indices.length * g) {
            throw new IllegalArgumentException("batch of " + indices.length + " needs " + indices.length * pixelsPerImage
                    + " pixels and " + indices.length * g + " labels; got " + pixels.length + " and " + labelsOut.length);
        }
        byte[] bytes = scratch.get(); // (3, S, S)
        float[] unit = PosterImages.UNIT;
        for (int n = 0; n < indices.length; n++) {
            int index = checkIndex(indices[n]);
            readBytes(index, bytes, 0);
            int base = n * pixelsPerImage;
            for (int i = 0; i < pixelsPerImage; i++) {
                pixels[base + i] = unit[bytes[i] & 0xFF];
            }
            readLabels(index, labelsOut, n * g);
        }
    }

    /** Labels straight from the header's table: no image is read. */
    @Override
    public void fillLabels(int[] indices, float[] labelsOut) {
        int g = genres.size();
        if (labelsOut.length < indices.length * g) {
            throw new IllegalArgumentException("batch of " + indices.length + " needs " + indices.length * g + " labels; got "
                    + labelsOut.length);
        }
        for (int n = 0; n < indices.length; n++) readLabels(checkIndex(indices[n]), labelsOut, n * g);
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= ids.length) {
            throw new IndexOutOfBoundsException("poster index " + index + " not in 0.." + (ids.length - 1));
        }
        return index;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return String.format("%s: %,d posters %dx%d, %d genres, %,d left out", file, ids.length, imageSize, imageSize,
                genres.size(), failures.size());
    }
}
