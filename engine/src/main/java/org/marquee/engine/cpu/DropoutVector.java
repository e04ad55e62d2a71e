package org.marquee.engine.cpu;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link org.marquee.engine.DropoutHash#mix} on LS 64-bit lanes at a time: the same SplitMix64
 * finalizer, element indexes first+i .. first+i+LS-1 in the lanes, then the keep decision {@code u >= threshold}
 * on the top 24 bits turned into N float mask values (2.1 ms for conv1's 12.6M on JDK 17, the
 * scalar loop 30 ms).
 *
 * <p>With the pair lanes ({@link CpuOptions#pairLanes()}) the lanes are narrowed to floats in
 * vectors ({@link #maskPairs}); without, copied out through a block of longs
 * ({@link #maskThroughLongs}). The choice is fixed per instance and taken once per call.
 */
final class DropoutVector {
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final int N = LS.length();
    /** Int species with as many lanes as LS (half its bit size). */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, VectorShape.forBitSize(N * 32));
    private static final LongVector IOTA = LongVector.zero(LS).addIndex(1);

    private final boolean pairLanes;

    DropoutVector(boolean pairLanes) { this.pairLanes = pairLanes; }

    /**
     * One dropout mask's draw: element i of the mask hashes index first + i with seed and step,
     * and is kept (value {@code keep}) when the top 24 bits u of the hash are at least
     * {@code threshold}, else 0.
     *
     * @param seed      the run's dropout seed
     * @param step      the training step
     * @param first     the hash index of mask element 0
     * @param threshold ceil(rate * 2^24): u below it drops the element
     * @param keep      1 / (1 - rate), a kept element's value
     */
    record Draw(long seed, long step, long first, long threshold, float keep) {}

    /**
     * Writes mask[mo + i] for i in [from, to) in whole vectors, by {@link #maskPairs} or
     * {@link #maskThroughLongs}; returns the first index not written.
     */
    int mask(float[] mask, int mo, int from, int to, Draw draw) {
        return pairLanes ? maskPairs(mask, mo, from, to, draw) : maskThroughLongs(mask, mo, from, to, draw);
    }

    /** u = the top 24 bits of DropoutHash.mix for element indexes i .. i+N-1, with base = seed ^ step * constant. */
    private static LongVector top24(long i, long base) {
        LongVector z = IOTA.add(i).mul(0x9E3779B97F4A7C15L).lanewise(VectorOperators.XOR, base);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
        return z.lanewise(VectorOperators.LSHR, 40);
    }

    /** Writes mask[mo + i] for i in [from, to) in whole vectors, narrowing to N floats; returns the first index not written. */
    private static int maskPairs(float[] mask, int mo, int from, int to, Draw draw) {
        long seed = draw.seed(), step = draw.step(), first = draw.first(), threshold = draw.threshold();
        float keep = draw.keep();
        long base = seed ^ (step * 0xD1B54A32D192ED03L);
        long keepBits = Float.floatToRawIntBits(keep) & 0xFFFFFFFFL;
        int i = from;
        for (; i <= to - N; i += N) {
            VectorMask<Long> keepLane = top24(first + i, base).compare(VectorOperators.GE, threshold);
            // the float bits in the low half of each long lane, narrowed to N ints (a mask cast to
            // floats is 13x slower on JDK 17)
            LongVector bits = LongVector.zero(LS).blend(keepBits, keepLane);
            bits.convertShape(VectorOperators.L2I, IS, 0).reinterpretAsFloats().intoArray(mask, mo + i);
        }
        return i;
    }

    /** Elements per block of {@link #maskThroughLongs}: its scratch array holds one block. */
    private static final int BLOCK = 1024;
    /** Each thread's scratch block, allocated on its first mask. */
    private static final ThreadLocal<long[]> BITS = ThreadLocal.withInitial(() -> new long[BLOCK]);

    /**
     * The same mask as {@link #maskPairs} with full-width 64-bit lanes only, for JDK 17, where
     * narrowing to a half-width int vector adds the 256-bit shapes that slow the other kernels (see
     * {@link Pooling}; with this path alone the convolutions measured no slower). Each block's float bits are computed in long lanes into the
     * thread's scratch block and copied out by a scalar loop. Returns the first index not written.
     */
    private static int maskThroughLongs(float[] mask, int mo, int from, int to, Draw draw) {
        long seed = draw.seed(), step = draw.step(), first = draw.first(), threshold = draw.threshold();
        float keep = draw.keep();
        long[] bits = BITS.get();
        long base = seed ^ (step * 0xD1B54A32D192ED03L);
        LongVector keepBits = LongVector.broadcast(LS, Float.floatToRawIntBits(keep) & 0xFFFFFFFFL);
        int i = from;
        while (to - i >= N) {
            int block = Math.min(BLOCK, (to - i) / N * N);
            for (int j = 0; j < block; j += N) {
                // u - threshold is negative (all ones after the arithmetic shift) where the
                // element is dropped: its float bits become 0
                LongVector drop = top24(first + i + j, base).sub(threshold).lanewise(VectorOperators.ASHR, 63);
                keepBits.lanewise(VectorOperators.AND_NOT, drop).intoArray(bits, j);
            }
            for (int j = 0; j < block; j++) mask[mo + i + j] = Float.intBitsToFloat((int) bits[j]);
            i += block;
        }
        return i;
    }
}
