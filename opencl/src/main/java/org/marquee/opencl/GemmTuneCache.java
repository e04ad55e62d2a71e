package org.marquee.opencl;

import java.io.IOException;
import org.marquee.engine.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The GPU GEMM tuner's choices on disk: one small text file per (device name, driver version,
 * family), in a directory given by the system property {@value #DIRECTORY_PROPERTY}, else
 * {@code $XDG_CACHE_HOME/marquee}, else {@code ~/.cache/marquee}. The file name is a hash of the
 * key; the file repeats the key, so a file that does not match (a hash collision, a copied file)
 * is not used. Lines:
 *
 * <pre>
 * # comment
 * format=1
 * device=NVIDIA H200
 * driver=560.35.03
 * family=gpu
 * nn:64x16384x512=m64n64k16w16x16
 * </pre>
 *
 * A missing file is an empty cache; an unreadable or malformed one, or one naming a variant this
 * version does not have, is reported by {@link Loaded#problem()} and its choices are tuned again
 * (never an exception). Writes go to a temporary file in the same directory, renamed over the
 * old one, so a reader never sees half a file.
 */
final class GemmTuneCache {
    static final String DIRECTORY_PROPERTY = "marquee.opencl.tuneCache";
    private static final String FORMAT = "1";

    /** Whose choices a file holds. */
    record Key(String device, String driver, GemmFamily family) {
        Key {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(driver, "driver");
            Objects.requireNonNull(family, "family");
        }

        static Key of(OpenClDevices.Device device, OpenClDevices.Limits limits, GemmFamily family) {
            return new Key(device.name(), limits.driverVersion(), family);
        }
    }

    /** What a load found: the choices (shape class to variant), and why the file was not (fully) usable, or null. */
    record Loaded(Map<GemmShapeClass, GpuGemmVariant> choices, String problem) {}

    private final Path file;
    private final Key key;

    GemmTuneCache(Path directory, Key key) {
        this.key = Objects.requireNonNull(key, "key");
        this.file = directory.resolve("gemm-" + hash(key) + ".txt");
    }

    /**
     * The command line's default directory: {@code $XDG_CACHE_HOME/marquee} where that is set,
     * else {@code ~/.cache/marquee}; the caller passes both (nothing here reads the environment).
     */
    static Path defaultDirectory(String userHome, String xdgCacheHome) {
        if (xdgCacheHome != null && !xdgCacheHome.isBlank()) return Path.of(xdgCacheHome, "marquee");
        return Path.of(userHome, ".cache", "marquee");
    }

    Path file() { return file; }
    Key key() { return key; }

    Loaded load() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Loaded(Map.of(), null);
        } catch (IOException | RuntimeException e) {   // unreadable, or not UTF-8
            return new Loaded(Map.of(), "tuning cache " + file + " is unreadable (" + e + "); tuning again");
        }
        Map<String, String> header = new LinkedHashMap<>();
        Map<GemmShapeClass, GpuGemmVariant> choices = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) return corrupt("line " + (i + 1) + " is not key=value: \"" + line + "\"");
            String k = line.substring(0, eq), v = line.substring(eq + 1);
            if (k.equals("format") || k.equals("device") || k.equals("driver") || k.equals("family")) {
                header.put(k, v);
                continue;
            }
            GemmShapeClass shape;
            try {
                shape = GemmShapeClass.parse(k);
            } catch (IllegalArgumentException e) {
                return corrupt("line " + (i + 1) + ": " + e.getMessage());
            }
            GpuGemmVariant variant = GpuGemmVariant.named(v).orElse(null);
            if (variant == null) unknown.add(v);
            else choices.put(shape, variant);
        }
        if (!FORMAT.equals(header.get("format"))) return corrupt("format is " + header.get("format") + ", expected " + FORMAT);
        if (!oneLine(key.device()).equals(header.get("device")) || !oneLine(key.driver()).equals(header.get("driver"))
                || !key.family().label().equals(header.get("family"))) {
            return new Loaded(Map.of(), "tuning cache " + file + " holds device \"" + header.get("device") + "\", driver \""
                    + header.get("driver") + "\", family " + header.get("family") + ", not this one; tuning again");
        }
        String problem = unknown.isEmpty() ? null
                : "tuning cache " + file + " names unknown GEMM variants " + unknown + "; tuning those shapes again";
        return new Loaded(choices, problem);
    }

    private Loaded corrupt(String why) {
        return new Loaded(Map.of(), "tuning cache " + file + " is corrupt (" + why + "); tuning again");
    }

    /**
     * Replaces the file with {@code choices}: written to a temporary file beside it, then renamed.
     *
     * @throws IOException when the directory or file cannot be written
     */
    void store(Map<GemmShapeClass, GpuGemmVariant> choices) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Marquee GPU GEMM: the fastest variant of gemm_gpu.cl per shape class (transposes:MxNxK,\n");
        sb.append("# each rounded up to a power of two). Delete this file or run `devices --tune` to tune again.\n");
        sb.append("format=").append(FORMAT).append('\n');
        sb.append("device=").append(oneLine(key.device())).append('\n');
        sb.append("driver=").append(oneLine(key.driver())).append('\n');
        sb.append("family=").append(key.family().label()).append('\n');
        choices.forEach((shape, variant) -> sb.append(shape).append('=').append(variant.name()).append('\n'));
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Device names and driver versions are single lines; a line break would end the value early. */
    private static String oneLine(String s) { return s.replace('\n', ' ').replace('\r', ' '); }

    private static String hash(Key key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((oneLine(key.device()) + "\n" + oneLine(key.driver()) + "\n" + key.family().label())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
