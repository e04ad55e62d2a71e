package org.marquee.app.cli;

import java.util.Locale;
import org.marquee.app.PosterModel;

/**
 * The allowed range of each numeric option, checked before a command does any work so that an
 * out-of-range value ends in one message naming the option and its range instead of failing
 * deep in the model, the cache or the engine.
 */
public final class OptionRanges {
    /** Largest poster side accepted: 512 px already makes a 63-million-weight dense layer and 3 MB per cached poster. */
    public static final int MAX_IMAGE_SIZE = 512;

    private OptionRanges() {}

    /** {@code value} must lie in [min, max]. */
    public static void check(String option, long value, long min, long max) {
        if (value < min || value > max) {
            String range = max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? "at least " + min : "from " + min + " to " + max;
            throw new IllegalArgumentException(option + " must be " + range + ", not " + value);
        }
    }

    /** {@code value} must be finite and lie in (0, max] (or [0, max] when {@code zeroAllowed}). */
    public static void check(String option, double value, boolean zeroAllowed, double max) {
        if (!Double.isFinite(value) || value < 0 || (value == 0 && !zeroAllowed) || value > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s must be %s and at most %s, not %s", option,
                    zeroAllowed ? "0 or more" : "greater than 0", max, value));
        }
    }

    /** A poster side the poster model accepts: see {@link PosterModel#MIN_IMAGE_SIZE}. */
    public static void imageSize(String option, int value) {
        if (value < PosterModel.MIN_IMAGE_SIZE || value > MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException(option + " must be at least " + PosterModel.MIN_IMAGE_SIZE + " and at most " + MAX_IMAGE_SIZE
                    + " pixels, not " + value + " (the model's three 3x3 convolution + 2x2 pooling blocks need at least "
                    + PosterModel.MIN_IMAGE_SIZE + ")");
        }
    }
}
