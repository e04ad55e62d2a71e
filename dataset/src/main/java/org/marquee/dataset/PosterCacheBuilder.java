package org.marquee.dataset;

import org.marquee.engine.io.FileKind;
import org.marquee.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.IntStream;

/**
 * Builds a {@link PosterCache}: decodes and resizes every source once (in parallel), writes the
 * file under a temporary name and renames it into place only when complete, so an interrupted
 * build never leaves a file that opens. {@link #openOrBuild} reuses an existing cache only when
 * its fingerprint (image size, vocabulary, each source's id, file path, size, modification time
 * and genres) matches the inputs; anything else triggers a rebuild.
 */
public final class PosterCacheBuilder {
    /** Posters decoded per parallel chunk before being written in order. */
    private static final int CHUNK = 128;

    private final PosterImages images;
    private final GenreVocabulary genres;
    private final LongFunction<Progress> progress;

    /** What {@link #openOrBuild} did: the opened cache, whether it was (re)built and why. */
    public record Opened(PosterCache cache, boolean built, String why) {}

    public PosterCacheBuilder(PosterImages images, GenreVocabulary genres, LongFunction<Progress> progress) {
        this.images = images;
        this.genres = genres;
        this.progress = progress;
    }

    /** Opens the cache when it matches the inputs, otherwise builds it first. */
    public Opened openOrBuild(Path file, List<PosterSource> sources) throws IOException {
        long wanted = fingerprint(sources);
        String why;
        if (Files.isRegularFile(file)) {
            try {
                PosterCache cache = PosterCache.open(file);
                int bad = cache.fingerprint() == wanted ? cache.verifyPixels() : -1;
                if (cache.fingerprint() == wanted && bad < 0) {
                    return new Opened(cache, false, "inputs unchanged, checksums match");
                }
                why = bad >= 0 ? "the pixels of poster " + cache.id(bad) + " do not match their checksum (the file was altered or damaged)"
                        : "inputs or image size changed";
                cache.close();
            } catch (IOException e) {
                why = "existing cache unreadable: " + e.getMessage();
            }
        } else {
            why = "no cache yet";
        }
        build(file, sources);
        return new Opened(PosterCache.open(file), true, why);
    }

    /** Hash of everything the cache content depends on. */
    public long fingerprint(List<PosterSource> sources) throws IOException {
        long h = mix(0x4D51504341434845L, PosterCache.VERSION);
        h = mix(h, images.size());
        h = mix(h, images.maxPixels());
        h = mix(h, text(String.join("\n", genres.names())));
        h = mix(h, sources.size());
        for (PosterSource s : sources) {
            h = mix(h, s.imdbId());
            h = mix(h, text(s.file().toAbsolutePath().normalize().toString()));
            h = mix(h, text(String.join("|", s.genres())));
            try {
                BasicFileAttributes a = Files.readAttributes(s.file(), BasicFileAttributes.class);
                h = mix(h, a.size());
                h = mix(h, a.lastModifiedTime().toMillis());
            } catch (NoSuchFileException e) {
                h = mix(h, -1);
            }
        }
        return h;
    }

    /** Decodes every source and writes the cache file atomically. */
    public void build(Path file, List<PosterSource> sources) throws IOException {
        for (PosterSource s : sources) {
            for (String g : s.genres()) {
                if (genres.indexOf(g) < 0) {
                    throw new IllegalArgumentException("imdbId " + s.imdbId() + ": genre \"" + g
                            + "\" is not in the vocabulary " + genres.names());
                }
            }
        }
        try {
            FileKind.requireReplaceable(file, "the poster cache");
        } catch (IOException e) {
            throw new AtomicFiles.WriteFailedException(file, e);
        }
        long fingerprint = fingerprint(sources);
        int n = sources.size();
        int g = genres.size();
        byte[] vocab = String.join("\n", genres.names()).getBytes(StandardCharsets.UTF_8);
        long indexBytes = (long) n * (Math.max(8 + g, 9) + 4);
        long pixelOffset = align(PosterCache.HEADER_BYTES + vocab.length + indexBytes, 4096);
        Path tmp = AtomicFiles.temporaryFor(file, ".partial");
        List<PosterSource> stored = new ArrayList<>(n);
        List<PosterCache.Failure> failures = new ArrayList<>();
        List<Integer> crcs = new ArrayList<>(n);
        Progress bar = progress.apply(n);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            long position = pixelOffset;
            for (int from = 0; from < n; from += CHUNK) {
                List<PosterSource> chunk = sources.subList(from, Math.min(n, from + CHUNK));
                List<Object> decoded = IntStream.range(0, chunk.size()).parallel()
                        .mapToObj(i -> decode(chunk.get(i), bar)).toList();
                for (int i = 0; i < chunk.size(); i++) {
                    if (decoded.get(i) instanceof byte[] pixels) {
                        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                        crc.update(pixels);
                        crcs.add((int) crc.getValue());
                        ByteBuffer b = ByteBuffer.wrap(pixels);
                        while (b.hasRemaining()) {
                            position += out.write(b, position);
                        }
                        stored.add(chunk.get(i));
                    } else {
                        failures.add(new PosterCache.Failure(chunk.get(i).imdbId(), (PosterException.Reason) decoded.get(i)));
                    }
                }
            }
            ByteBuffer head = header(fingerprint, pixelOffset, vocab, stored, failures, crcs);
            while (head.hasRemaining()) {
                out.write(head, head.position());
            }
            out.force(true);
            bar.done();
            FileKind.requireReplaceable(file, "the poster cache");
            AtomicFiles.moveInto(tmp, file);
        } catch (IOException e) {
            throw e instanceof AtomicFiles.WriteFailedException ? e : new AtomicFiles.WriteFailedException(file, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The poster's bytes, or the reason it was skipped. */
    private Object decode(PosterSource source, Progress bar) {
        try {
            return images.loadBytes(source.file());
        } catch (PosterException e) {
            return e.reason();
        } catch (RuntimeException | OutOfMemoryError e) {
            return PosterException.Reason.UNREADABLE; // a decoder bug on a damaged file must not stop the build
        } finally {
            bar.step();
        }
    }

    private ByteBuffer header(long fingerprint, long pixelOffset, byte[] vocab, List<PosterSource> stored,
            List<PosterCache.Failure> failures, List<Integer> crcs) {
        int g = genres.size();
        int size = PosterCache.HEADER_BYTES + vocab.length + stored.size() * (8 + g + 4) + failures.size() * 9;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(PosterCache.MAGIC).putInt(PosterCache.VERSION).putInt(images.size()).putInt(stored.size())
                .putInt(g).putInt(failures.size()).putInt(vocab.length).putLong(fingerprint).putLong(pixelOffset);
        b.position(PosterCache.HEADER_BYTES);
        b.put(vocab);
        float[] multiHot = new float[g];
        for (PosterSource s : stored) {
            b.putLong(s.imdbId());
            genres.encode(s.genres(), multiHot, 0);
            for (float v : multiHot) {
                b.put((byte) v);
            }
        }
        for (PosterCache.Failure f : failures) {
            b.putLong(f.imdbId()).put((byte) f.reason().ordinal());
        }
        for (int c : crcs) b.putInt(c);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), 0, PosterCache.META_CRC_AT);
        crc.update(b.array(), PosterCache.HEADER_BYTES, size - PosterCache.HEADER_BYTES);
        b.putInt(PosterCache.META_CRC_AT, (int) crc.getValue());
        return b.flip();
    }

    private static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }

    private static long text(String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }

    private static long mix(long h, long v) {
        return SplitMix.mix(h ^ (v * 0x9E3779B97F4A7C15L));
    }
}
