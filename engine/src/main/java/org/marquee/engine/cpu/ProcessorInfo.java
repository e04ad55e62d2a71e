package org.marquee.engine.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a {@link CpuTuning} depends on: the processor's model, the cores this JVM may use, the JDK
 * (its JIT decides what the kernels compile to) and the vector width; plus the data cache sizes
 * the untuned defaults are derived from. A tuning measured for one such machine is reused only on
 * an equal {@link #key()}.
 *
 * @param model     the processor's model name ({@code /proc/cpuinfo}), or {@code os.arch} where unknown
 * @param cores     processors available to this JVM
 * @param jdk       the JDK's version string
 * @param vectorBits the Vector API's preferred float vector width in bits
 * @param l1dBytes  level-1 data cache per core in bytes, 0 where unknown
 * @param l2Bytes   level-2 cache per core in bytes, 0 where unknown
 */
public record ProcessorInfo(String model, int cores, String jdk, int vectorBits, long l1dBytes, long l2Bytes) {

    /**
     * Checks that the model and JDK are named and the counts are in range.
     *
     * @param model      the processor's model name
     * @param cores      processors available to the JVM
     * @param jdk        the JDK's version string
     * @param vectorBits the preferred float vector width in bits
     * @param l1dBytes   level-1 data cache per core, 0 where unknown
     * @param l2Bytes    level-2 cache per core, 0 where unknown
     */
    public ProcessorInfo {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("model must be named");
        if (cores < 1) throw new IllegalArgumentException("cores must be >= 1: " + cores);
        if (jdk == null || jdk.isBlank()) throw new IllegalArgumentException("jdk must be named");
        if (vectorBits < 64) throw new IllegalArgumentException("vectorBits must be >= 64: " + vectorBits);
        if (l1dBytes < 0 || l2Bytes < 0) throw new IllegalArgumentException("cache sizes must be >= 0");
    }

    /**
     * This machine and JVM, read from {@code /proc/cpuinfo} and {@code /sys/devices/system/cpu} where they exist.
     *
     * @return what the tuning of this machine depends on
     */
    public static ProcessorInfo current() {
        return new ProcessorInfo(modelName(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
                Runtime.version().toString(), MicroKernel.S.vectorBitSize(),
                cacheBytes(Path.of("/sys/devices/system/cpu/cpu0/cache"), 1), cacheBytes(Path.of("/sys/devices/system/cpu/cpu0/cache"), 2));
    }

    /**
     * The identity a cached tuning must match: model, cores, JDK and vector width (the cache sizes follow from the model).
     *
     * @return one line naming the four
     */
    public String key() {
        return model.trim() + " | " + cores + " cores | JDK " + jdk + " | " + vectorBits + "-bit vectors";
    }

    /** The first "model name" line of a cpuinfo file, or {@code os.arch} where there is none. */
    static String modelName(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && !line.substring(colon + 1).isBlank()) return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the architecture names the machine
        }
        return System.getProperty("os.arch", "unknown");
    }

    /**
     * The size of the data or unified cache of {@code level} under a Linux cache folder
     * (folders {@code indexN} with files {@code level}, {@code type} and {@code size}, such as {@code 48K}), 0 where unknown.
     */
    static long cacheBytes(Path folder, int level) {
        try (var dirs = Files.list(folder)) {
            for (Path d : (Iterable<Path>) dirs.sorted()::iterator) {
                if (!d.getFileName().toString().startsWith("index")) continue;
                if (Integer.parseInt(read(d.resolve("level"))) != level) continue;
                if (read(d.resolve("type")).toLowerCase(Locale.ROOT).startsWith("instruction")) continue;
                return parseSize(read(d.resolve("size")));
            }
        } catch (IOException | RuntimeException e) {
            // no such folder or an unexpected entry: unknown
        }
        return 0;
    }

    private static String read(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
        return lines.isEmpty() ? "" : lines.get(0).trim();
    }

    /** "48K" to 49152, "2048K" to 2 MiB, "1M", or plain bytes. */
    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) unit = 1 << 10;
        else if (t.endsWith("M")) unit = 1 << 20;
        else if (t.endsWith("G")) unit = 1 << 30;
        if (unit > 1) t = t.substring(0, t.length() - 1);
        return Long.parseLong(t) * unit;
    }
}
