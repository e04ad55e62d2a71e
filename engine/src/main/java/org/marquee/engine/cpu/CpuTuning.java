package org.marquee.engine.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The cpu backend's choices that depend on the processor: how the GEMM is blocked for the caches,
 * how the direct convolution cuts its work into units and hands them to the threads, and which
 * vector shapes pooling and dropout use. {@link CpuTuner} picks them by measuring on the machine
 * at hand; without a measurement {@link #forProcessor} derives them from the cache sizes.
 *
 * <p>Two kinds of choice live here:
 * <ul>
 *   <li><b>Schedule</b> (mc, nc, packAllB, dynamicSplit, pairLanes, convRows, inputGradRows,
 *       runsPerThread): they decide which thread computes which block, in which order, with which
 *       vector shape, never the order of a sum. Every value gives the same bits, so the tuner may
 *       choose them freely and a run reproduces on every machine.</li>
 *   <li><b>Arithmetic</b> (kc, dotProducts): the depth block of the GEMM and the dot-product route
 *       set how a long reduction is cut, and so the last bits of a dense layer's output. They are
 *       fixed by default (the same numbers on every machine) and the tuner leaves them alone; a
 *       user may override them ({@link CpuOptions#withTuning}).</li>
 * </ul>
 * Any one choice gives the same bits run after run and for any thread count.
 *
 * @param kc            GEMM: depth of a packed block (arithmetic)
 * @param mc            GEMM: rows of a packed A block, rounded up to the micro-tile's 8
 * @param nc            GEMM: columns of a B block, rounded up to the micro-tile's width
 * @param packAllB      GEMM: pack every B panel instead of reading an untransposed B's full panels in place
 * @param dotProducts   GEMM: A·Bᵀ with a long depth and few columns as unpacked dot products (arithmetic)
 * @param dynamicSplit  GEMM: columns handed out in blocks on demand instead of one fixed share per thread
 * @param pairLanes     max pooling and the dropout hash on half-width vectors of 64-bit pairs
 * @param convRows      direct convolution: output rows per unit of forward work (even, for whole 2x2 pooling windows)
 * @param inputGradRows direct convolution: input-gradient rows per unit of work
 * @param runsPerThread direct convolution: how many runs of consecutive units each thread claims per pass
 * @serial exclude
 */
public record CpuTuning(int kc, int mc, int nc, boolean packAllB, boolean dotProducts, boolean dynamicSplit,
                        boolean pairLanes, int convRows, int inputGradRows, int runsPerThread) implements java.io.Serializable {

    /** The largest GEMM block size accepted (kc, mc, nc). */
    public static final int MAX_BLOCK = 1 << 16;
    /** The largest unit of convolution rows accepted. */
    public static final int MAX_ROWS = 64;
    /** The depth block used unless overridden: fixed, so that a dense layer's sums are cut the same way everywhere. */
    public static final int DEFAULT_KC = 384;

    /**
     * Checks each choice's range, and that convRows is even.
     *
     * @param kc            GEMM depth block
     * @param mc            GEMM row block
     * @param nc            GEMM column block
     * @param packAllB      pack every B panel
     * @param dotProducts   A·Bᵀ with few columns as dot products
     * @param dynamicSplit  column blocks on demand
     * @param pairLanes     pooling and dropout on pair lanes
     * @param convRows      forward rows per unit (even)
     * @param inputGradRows input-gradient rows per unit
     * @param runsPerThread runs of units each thread claims per pass
     */
    public CpuTuning {
        requireRange("kc", kc, 1, MAX_BLOCK);
        requireRange("mc", mc, 1, MAX_BLOCK);
        requireRange("nc", nc, 1, MAX_BLOCK);
        requireRange("convRows", convRows, 2, MAX_ROWS);
        if (convRows % 2 != 0) throw new IllegalArgumentException("convRows must be even (whole 2x2 pooling windows): " + convRows);
        requireRange("inputGradRows", inputGradRows, 1, MAX_ROWS);
        requireRange("runsPerThread", runsPerThread, 1, 1024);
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
        }
    }

    /**
     * Whether this JVM's default is the pair-lane pooling and dropout: JDK 25 and later (see {@link Pooling}).
     *
     * @return true from JDK 25
     */
    public static boolean defaultPairLanes() { return Runtime.version().feature() >= 25; }

    /**
     * The choices measured best before the tuner existed (AMD EPYC Zen 5, L1d 48 KiB, L2 1 MiB):
     * kc 384, mc 192, nc 256, B read in place, dot products, columns on demand, this JDK's pair-lane
     * choice, 4 forward rows, 8 input-gradient rows, 8 runs per thread. The tests' fixed point.
     *
     * @return the baseline choices
     */
    public static CpuTuning baseline() {
        return new CpuTuning(DEFAULT_KC, 192, 256, false, true, true, defaultPairLanes(), 4, 8, 8);
    }

    /**
     * Choices derived from the processor's caches, with no measurement: a packed A block of mc x kc
     * floats fills a quarter of L2 and a B block of kc x nc half of it (the rest holds C and the
     * panels in flight), rounded to the micro-tile and kept within [64, 1024]; the rest as
     * {@link #baseline()}. kc stays {@link #DEFAULT_KC} (see the class comment).
     *
     * @param cpu the machine, its L2 size in particular
     * @return the derived choices
     */
    public static CpuTuning forProcessor(ProcessorInfo cpu) {
        CpuTuning b = baseline();
        long l2 = cpu.l2Bytes() > 0 ? cpu.l2Bytes() : 1 << 20;
        int mc = clampRound(l2 / 4 / (4L * b.kc()), MicroKernel.MR);
        int nc = clampRound(l2 / 2 / (4L * b.kc()), MicroKernel.NR);
        return new CpuTuning(b.kc(), mc, nc, b.packAllB(), b.dotProducts(), b.dynamicSplit(), b.pairLanes(),
                b.convRows(), b.inputGradRows(), b.runsPerThread());
    }

    private static int clampRound(long value, int multiple) {
        long v = Math.max(64, Math.min(1024, value));
        return (int) (v / multiple * multiple);
    }

    /**
     * These choices with other GEMM blocks.
     *
     * @param kc depth block
     * @param mc row block
     * @param nc column block
     * @return the changed choices
     */
    public CpuTuning withBlocks(int kc, int mc, int nc) {
        return new CpuTuning(kc, mc, nc, packAllB, dotProducts, dynamicSplit, pairLanes, convRows, inputGradRows, runsPerThread);
    }

    /**
     * These choices with other GEMM routes.
     *
     * @param packAllB     pack every B panel
     * @param dotProducts  A·Bᵀ with few columns as dot products
     * @param dynamicSplit column blocks on demand
     * @return the changed choices
     */
    public CpuTuning withGemmRoutes(boolean packAllB, boolean dotProducts, boolean dynamicSplit) {
        return new CpuTuning(kc, mc, nc, packAllB, dotProducts, dynamicSplit, pairLanes, convRows, inputGradRows, runsPerThread);
    }

    /**
     * These choices with another pair-lane choice.
     *
     * @param pairLanes pooling and dropout on pair lanes
     * @return the changed choices
     */
    public CpuTuning withPairLanes(boolean pairLanes) {
        return new CpuTuning(kc, mc, nc, packAllB, dotProducts, dynamicSplit, pairLanes, convRows, inputGradRows, runsPerThread);
    }

    /**
     * The direct convolution's units: forward rows, input-gradient rows, runs per thread.
     *
     * @param convRows      forward rows per unit (even)
     * @param inputGradRows input-gradient rows per unit
     * @param runsPerThread runs of units each thread claims per pass
     * @return the changed choices
     */
    public CpuTuning withConvUnits(int convRows, int inputGradRows, int runsPerThread) {
        return new CpuTuning(kc, mc, nc, packAllB, dotProducts, dynamicSplit, pairLanes, convRows, inputGradRows, runsPerThread);
    }

    /**
     * The choices by name, in declaration order (the cache file's and {@code tune}'s listing).
     *
     * @return name to value, in order
     */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kc", Integer.toString(kc));
        m.put("mc", Integer.toString(mc));
        m.put("nc", Integer.toString(nc));
        m.put("packAllB", Boolean.toString(packAllB));
        m.put("dotProducts", Boolean.toString(dotProducts));
        m.put("dynamicSplit", Boolean.toString(dynamicSplit));
        m.put("pairLanes", Boolean.toString(pairLanes));
        m.put("convRows", Integer.toString(convRows));
        m.put("inputGradRows", Integer.toString(inputGradRows));
        m.put("runsPerThread", Integer.toString(runsPerThread));
        return m;
    }

    /**
     * The choices read back from {@code p}, keys as {@link #asMap()} with {@code prefix} before
     * each; a key that is absent keeps {@code otherwise}'s value.
     *
     * @param p         the properties to read
     * @param prefix    put before each choice's name
     * @param otherwise the values of the keys that are absent
     * @return the choices read
     * @throws IllegalArgumentException for a value that is not {@code true}/{@code false} or not a
     *         whole number, or out of range, naming the key
     */
    public static CpuTuning fromProperties(Properties p, String prefix, CpuTuning otherwise) {
        return new CpuTuning(
                size(p, prefix + "kc", otherwise.kc()),
                size(p, prefix + "mc", otherwise.mc()),
                size(p, prefix + "nc", otherwise.nc()),
                flag(p, prefix + "packAllB", otherwise.packAllB()),
                flag(p, prefix + "dotProducts", otherwise.dotProducts()),
                flag(p, prefix + "dynamicSplit", otherwise.dynamicSplit()),
                flag(p, prefix + "pairLanes", otherwise.pairLanes()),
                size(p, prefix + "convRows", otherwise.convRows()),
                size(p, prefix + "inputGradRows", otherwise.inputGradRows()),
                size(p, prefix + "runsPerThread", otherwise.runsPerThread()));
    }

    static boolean flag(Properties p, String name, boolean otherwise) {
        String v = p.getProperty(name);
        if (v == null) return otherwise;
        String t = v.trim();
        if (t.equalsIgnoreCase("true")) return true;
        if (t.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(name + " must be true or false: " + v);
    }

    static int size(Properties p, String name, int otherwise) {
        String v = p.getProperty(name);
        if (v == null) return otherwise;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= MAX_BLOCK) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number in [1, " + MAX_BLOCK + "]: " + v);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        asMap().forEach((k, v) -> s.append(s.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return s.toString();
    }
}
