package org.marquee.engine;

/**
 * Counter-based random numbers for dropout: the keep/drop decision for element {@code index} at
 * training step {@code step} is a pure function of (seed, step, index). Every backend evaluates
 * the same function (the OpenCL kernel repeats it line by line), so masks are identical across
 * backends and runs are reproducible without sharing a generator's state.
 *
 * <p>The mixer is SplitMix64's finalizer over a combination of the three counters.
 */
public final class DropoutHash {
    private DropoutHash() {}

    /**
     * 64 well-mixed bits for (seed, step, index).
     *
     * @param seed the run's seed (per dropout layer)
     * @param step the training step
     * @param index the element's index in the whole batch
     * @return the hash, a pure function of the three
     */
    public static long mix(long seed, long step, long index) {
        long z = seed ^ (step * 0xD1B54A32D192ED03L) ^ (index * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A uniform number in [0, 1) with 24 bits, exact in float and double.
     *
     * @param seed the run's seed (per dropout layer)
     * @param step the training step
     * @param index the element's index in the whole batch
     * @return u in [0, 1), a multiple of 2^-24
     */
    public static double uniform(long seed, long step, long index) {
        return (mix(seed, step, index) >>> 40) * 0x1.0p-24;
    }

    /**
     * Inverted-dropout mask value: 0 when dropped, 1/(1-rate) when kept.
     *
     * @param seed the run's seed (per dropout layer)
     * @param step the training step
     * @param index the element's index in the whole batch
     * @param rate the probability of dropping, in [0, 1)
     * @return 0 when u &lt; rate, else 1 / (1 - rate)
     */
    public static double maskValue(long seed, long step, long index, double rate) {
        return uniform(seed, step, index) >= rate ? 1.0 / (1.0 - rate) : 0.0;
    }
}
