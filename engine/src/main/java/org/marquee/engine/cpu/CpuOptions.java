package org.marquee.engine.cpu;

import java.util.Properties;

/**
 * How a {@link CpuBackend} computes: its thread count, which kernels it runs and the GEMM's cache
 * blocking. Every backend carries its own options, so backends with different options can run
 * side by side in one JVM (the tests compare them that way).
 *
 * <p>On the command line the options are filled from system properties
 * ({@link #fromSystemProperties()}); each property left unset keeps its default:
 * <table>
 *   <caption>Options and their system properties</caption>
 *   <tr><th>option</th><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>threads</td><td>(none: the backend's constructor or provider)</td><td>0</td>
 *       <td>worker threads; 0 = all processors</td></tr>
 *   <tr><td>scalar</td><td>{@code marquee.cpu.scalar}</td><td>false</td>
 *       <td>every kernel as its plain scalar twin ({@link ScalarKernels}), one thread</td></tr>
 *   <tr><td>im2col</td><td>{@code marquee.cpu.im2col}</td><td>false</td>
 *       <td>every convolution through im2col, GEMM and col2im instead of the direct convolution</td></tr>
 *   <tr><td>pairLanes</td><td>{@code marquee.cpu.pairLanes}</td><td>true from JDK 25</td>
 *       <td>max pooling and the dropout hash on half-width vectors of 64-bit pairs; on JDK 17
 *       those extra vector shapes slow the other kernels (see {@link Pooling})</td></tr>
 *   <tr><td>kc</td><td>{@code marquee.cpu.kc}</td><td>384</td>
 *       <td>GEMM: depth of a packed block</td></tr>
 *   <tr><td>mc</td><td>{@code marquee.cpu.mc}</td><td>192</td>
 *       <td>GEMM: rows of a packed A block (rounded up to the micro-tile's 8)</td></tr>
 *   <tr><td>nc</td><td>{@code marquee.cpu.nc}</td><td>256</td>
 *       <td>GEMM: columns of a B block (rounded up to the micro-tile's width)</td></tr>
 *   <tr><td>packAllB</td><td>{@code marquee.cpu.packAllB}</td><td>false</td>
 *       <td>GEMM: pack every B panel instead of reading an untransposed B's full panels in place</td></tr>
 *   <tr><td>dotProducts</td><td>{@code marquee.cpu.noDot} (inverted)</td><td>true</td>
 *       <td>GEMM: A·Bᵀ with a long depth and few columns as unpacked dot products</td></tr>
 *   <tr><td>dynamicSplit</td><td>{@code marquee.cpu.staticSplit} (inverted)</td><td>true</td>
 *       <td>GEMM: columns handed out in blocks on demand instead of one fixed share per thread</td></tr>
 * </table>
 * Boolean properties take {@code true} or {@code false}; the sizes, whole numbers from 1 to
 * {@value #MAX_BLOCK}.
 *
 * @param threads      worker threads, 0 = all processors
 * @param scalar       the scalar twin instead of the vector kernels
 * @param im2col       convolutions through im2col + GEMM instead of the direct convolution
 * @param pairLanes    pooling and dropout on pair lanes (half-width vectors)
 * @param kc           GEMM depth block
 * @param mc           GEMM row block
 * @param nc           GEMM column block
 * @param packAllB     pack every panel of B
 * @param dotProducts  A·Bᵀ with few columns as dot products
 * @param dynamicSplit GEMM column blocks handed out on demand
 */
public record CpuOptions(int threads, boolean scalar, boolean im2col, boolean pairLanes, int kc, int mc, int nc,
                         boolean packAllB, boolean dotProducts, boolean dynamicSplit) {

    /** The property that selects the scalar twin. */
    public static final String SCALAR_PROPERTY = "marquee.cpu.scalar";
    /** The property that turns off the direct convolution. */
    public static final String IM2COL_PROPERTY = "marquee.cpu.im2col";
    /** The property that turns the pair-lane pooling and dropout on or off. */
    public static final String PAIR_LANES_PROPERTY = "marquee.cpu.pairLanes";
    /** The properties of the GEMM's blocks. */
    public static final String KC_PROPERTY = "marquee.cpu.kc", MC_PROPERTY = "marquee.cpu.mc", NC_PROPERTY = "marquee.cpu.nc";
    /** The property that packs every panel of B. */
    public static final String PACK_ALL_B_PROPERTY = "marquee.cpu.packAllB";
    /** The property that turns the dot-product GEMM off. */
    public static final String NO_DOT_PROPERTY = "marquee.cpu.noDot";
    /** The property that gives each thread a fixed share of the columns. */
    public static final String STATIC_SPLIT_PROPERTY = "marquee.cpu.staticSplit";

    /** The largest GEMM block size accepted (kc, mc, nc). */
    public static final int MAX_BLOCK = 1 << 16;

    /**
     * Checks the thread count (0 or more) and the GEMM blocks (1 to {@link #MAX_BLOCK}).
     *
     * @param threads worker threads, 0 = all processors
     * @param scalar the scalar twin instead of the vector kernels
     * @param im2col convolutions through im2col + GEMM instead of the direct convolution
     * @param pairLanes pooling and dropout on pair lanes
     * @param kc GEMM depth block
     * @param mc GEMM row block
     * @param nc GEMM column block
     * @param packAllB pack every panel of B
     * @param dotProducts A·Bᵀ with few columns as dot products
     * @param dynamicSplit GEMM column blocks handed out on demand
     */
    public CpuOptions {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all processors): " + threads);
        requireBlock("kc", kc);
        requireBlock("mc", mc);
        requireBlock("nc", nc);
    }

    private static void requireBlock(String name, int value) {
        if (value < 1 || value > MAX_BLOCK) {
            throw new IllegalArgumentException(name + " (GEMM block size) must be in [1, " + MAX_BLOCK + "]: " + value);
        }
    }

    /**
     * Whether this JVM's default is the pair-lane pooling and dropout: JDK 25 and later.
     *
     * @return true from JDK 25 on
     */
    public static boolean defaultPairLanes() { return Runtime.version().feature() >= 25; }

    /**
     * All processors, the vector kernels, the direct convolution, this JDK's pair-lane choice, the measured GEMM blocks.
     *
     * @return the default options
     */
    public static CpuOptions defaults() {
        return new CpuOptions(0, false, false, defaultPairLanes(), 384, 192, 256, false, true, true);
    }

    /**
     * {@link #defaults()} with each option whose system property is set taken from it (see the table above).
     *
     * @return the options
     */
    public static CpuOptions fromSystemProperties() { return fromProperties(System.getProperties()); }

    /**
     * {@link #defaults()} with each option whose property is set in {@code p} taken from it.
     *
     * @param p the properties to read
     * @return the options
     * @throws IllegalArgumentException for a value that is not {@code true}/{@code false}, or not a
     *         whole number in range, naming the property
     */
    public static CpuOptions fromProperties(Properties p) {
        CpuOptions d = defaults();
        return new CpuOptions(d.threads(),
                flag(p, SCALAR_PROPERTY, d.scalar()),
                flag(p, IM2COL_PROPERTY, d.im2col()),
                flag(p, PAIR_LANES_PROPERTY, d.pairLanes()),
                size(p, KC_PROPERTY, d.kc()),
                size(p, MC_PROPERTY, d.mc()),
                size(p, NC_PROPERTY, d.nc()),
                flag(p, PACK_ALL_B_PROPERTY, d.packAllB()),
                !flag(p, NO_DOT_PROPERTY, !d.dotProducts()),
                !flag(p, STATIC_SPLIT_PROPERTY, !d.dynamicSplit()));
    }

    private static boolean flag(Properties p, String name, boolean otherwise) {
        String v = p.getProperty(name);
        if (v == null) return otherwise;
        String t = v.trim();
        if (t.equalsIgnoreCase("true")) return true;
        if (t.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException("-D" + name + " must be true or false: " + v);
    }

    private static int size(Properties p, String name, int otherwise) {
        String v = p.getProperty(name);
        if (v == null) return otherwise;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= MAX_BLOCK) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + name + " must be a whole number in [1, " + MAX_BLOCK + "]: " + v);
    }

    /**
     * These options with another thread count.
     *
     * @param threads worker threads, 0 = all processors
     * @return the new options
     */
    public CpuOptions withThreads(int threads) {
        return new CpuOptions(threads, scalar, im2col, pairLanes, kc, mc, nc, packAllB, dotProducts, dynamicSplit);
    }

    /**
     * These options with the scalar twin on or off.
     *
     * @param scalar whether every kernel runs its plain scalar twin
     * @return the new options
     */
    public CpuOptions withScalar(boolean scalar) {
        return new CpuOptions(threads, scalar, im2col, pairLanes, kc, mc, nc, packAllB, dotProducts, dynamicSplit);
    }

    /**
     * These options with the im2col route on or off.
     *
     * @param im2col whether convolutions go through im2col + GEMM instead of the direct convolution
     * @return the new options
     */
    public CpuOptions withIm2col(boolean im2col) {
        return new CpuOptions(threads, scalar, im2col, pairLanes, kc, mc, nc, packAllB, dotProducts, dynamicSplit);
    }

    /**
     * These options with pair-lane pooling and dropout on or off.
     *
     * @param pairLanes whether pooling and dropout run on half-width vectors
     * @return the new options
     */
    public CpuOptions withPairLanes(boolean pairLanes) {
        return new CpuOptions(threads, scalar, im2col, pairLanes, kc, mc, nc, packAllB, dotProducts, dynamicSplit);
    }

    /**
     * The GEMM's cache blocks: depth kc, rows mc, columns nc.
     *
     * @param kc the depth block
     * @param mc the row block
     * @param nc the column block
     * @return the new options
     */
    public CpuOptions withBlocks(int kc, int mc, int nc) {
        return new CpuOptions(threads, scalar, im2col, pairLanes, kc, mc, nc, packAllB, dotProducts, dynamicSplit);
    }

    /**
     * The GEMM's routes: pack every B panel, dot products for A·Bᵀ with few columns, columns on demand.
     *
     * @param packAllB whether every panel of B is packed
     * @param dotProducts whether A·Bᵀ with few columns runs as dot products
     * @param dynamicSplit whether column blocks are handed out on demand
     * @return the new options
     */
    public CpuOptions withGemmRoutes(boolean packAllB, boolean dotProducts, boolean dynamicSplit) {
        return new CpuOptions(threads, scalar, im2col, pairLanes, kc, mc, nc, packAllB, dotProducts, dynamicSplit);
    }
}
