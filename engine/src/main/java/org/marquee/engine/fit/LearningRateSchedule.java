package org.marquee.engine.fit;

import java.util.Locale;

/**
 * The learning rate of each training step, a pure function of the step (0-based, counted over the
 * whole run), so a resumed run, which restarts at the checkpoint's step, uses the same rates:
 * <pre>
 *   s &lt; W:           lr(s) = peak · (s + 1) / W                               linear warm-up
 *   W &lt;= s &lt; T:      lr(s) = floor + (peak - floor) · (1 + cos(π (s - W) / (T - W))) / 2
 *   s &gt;= T:          lr(s) = floor
 * </pre>
 * with W = {@code warmupSteps} (0: none) and T = {@code totalSteps}; T = 0 means no decay at all,
 * the rate staying at {@code peak} after the warm-up. Warm-up starts at peak / W rather than 0 so
 * that the first step moves the weights too.
 *
 * @param peak        the rate at the end of the warm-up, &gt; 0
 * @param warmupSteps W, &gt;= 0
 * @param totalSteps  T, 0 (constant after warm-up) or &gt; W
 * @param floor       the rate the cosine ends at, in (0, peak]
 */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps, double floor) {
    /** The floor of {@link Plan}'s cosine, as a fraction of the peak. */
    public static final double COSINE_FLOOR = 0.01;

    /**
     * Checks the rates and step counts.
     *
     * @param peak the rate at the end of the warm-up, &gt; 0
     * @param warmupSteps W, &gt;= 0
     * @param totalSteps T, 0 or &gt; W
     * @param floor the rate the cosine ends at, in (0, peak]
     */
    public LearningRateSchedule {
        if (!(peak > 0) || !Double.isFinite(peak)) throw new IllegalArgumentException("peak learning rate must be positive: " + peak);
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0: " + warmupSteps);
        if (totalSteps != 0 && totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("total steps (" + totalSteps + ") must exceed the warm-up (" + warmupSteps + ")");
        }
        if (!(floor > 0 && floor <= peak)) throw new IllegalArgumentException("floor must be in (0, " + peak + "]: " + floor);
    }

    /**
     * {@code lr} at every step: what training did before schedules.
     *
     * @param lr the rate
     * @return the schedule
     */
    public static LearningRateSchedule constant(double lr) { return new LearningRateSchedule(lr, 0, 0, lr); }

    /**
     * Linear warm-up to {@code lr} over {@code warmupSteps}, then a cosine down to {@code floor} at {@code totalSteps}.
     *
     * @param lr the peak rate
     * @param warmupSteps W
     * @param totalSteps T
     * @param floor the rate at T and after
     * @return the schedule
     */
    public static LearningRateSchedule warmupCosine(double lr, long warmupSteps, long totalSteps, double floor) {
        return new LearningRateSchedule(lr, warmupSteps, totalSteps, floor);
    }

    /**
     * The learning rate of step {@code step} (0-based).
     *
     * @param step the run's step counter, from 0
     * @return the rate
     */
    public double at(long step) {
        if (step < 0) throw new IllegalArgumentException("step must be >= 0: " + step);
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        if (totalSteps == 0) return peak;
        if (step >= totalSteps) return floor;
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    /**
     * Whether every step gets {@code peak}.
     *
     * @return true for a constant schedule
     */
    public boolean isConstant() { return warmupSteps == 0 && totalSteps == 0; }

    /** The shape of the schedule as the command line gives it ({@code --schedule}). */
    public enum Shape {
        /** The same rate at every step. */
        CONSTANT,
        /** A linear warm-up, then a cosine decay to {@link #COSINE_FLOOR} of the peak at the last step. */
        COSINE
    }

    /**
     * The schedule chosen on the command line, in epochs; {@link #forRun} turns it into steps once
     * the steps per epoch are known. A warm-up needs the cosine shape, and both are measured
     * against the run's total epochs, so a run resumed with another {@code --epochs} follows
     * another curve.
     *
     * @param shape        constant or cosine
     * @param warmupEpochs epochs of linear warm-up (cosine only)
     */
    public record Plan(Shape shape, int warmupEpochs) {
        /**
         * Checks that a warm-up comes with the cosine.
         *
         * @param shape constant or cosine
         * @param warmupEpochs epochs of warm-up, &gt;= 0
         */
        public Plan {
            if (shape == null) throw new IllegalArgumentException("schedule shape is required");
            if (warmupEpochs < 0) throw new IllegalArgumentException("warm-up epochs must be >= 0: " + warmupEpochs);
            if (shape == Shape.CONSTANT && warmupEpochs > 0) {
                throw new IllegalArgumentException("--warmup-epochs needs --schedule cosine");
            }
        }

        /**
         * A constant learning rate (the default).
         *
         * @return the plan
         */
        public static Plan constant() { return new Plan(Shape.CONSTANT, 0); }

        /**
         * Parses {@code --schedule}: {@code constant} or {@code cosine}.
         *
         * @param text the option's value
         * @return the shape
         */
        public static Shape shape(String text) {
            return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
                case "constant" -> Shape.CONSTANT;
                case "cosine" -> Shape.COSINE;
                default -> throw new IllegalArgumentException("--schedule must be constant or cosine, not '" + text + "'");
            };
        }

        /**
         * The schedule of a run of {@code epochs} epochs of {@code stepsPerEpoch} steps peaking at
         * {@code lr}: constant, or warm-up over the first warm-up epochs, then cosine to
         * {@link #COSINE_FLOOR} · lr at the last step.
         *
         * @param lr the peak rate
         * @param stepsPerEpoch the steps of one epoch
         * @param epochs the run's epochs
         * @return the schedule
         */
        public LearningRateSchedule forRun(double lr, int stepsPerEpoch, int epochs) {
            if (shape == Shape.CONSTANT) return LearningRateSchedule.constant(lr);
            if (warmupEpochs >= epochs) {
                throw new IllegalArgumentException("--warmup-epochs (" + warmupEpochs + ") must be fewer than --epochs (" + epochs + ")");
            }
            return warmupCosine(lr, (long) warmupEpochs * stepsPerEpoch, (long) epochs * stepsPerEpoch, lr * COSINE_FLOOR);
        }

        /**
         * The plan in words: "constant", or "cosine after 2 warm-up epoch(s)".
         *
         * @return the description
         */
        public String describe() {
            return shape == Shape.CONSTANT ? "constant" : "cosine" + (warmupEpochs > 0 ? " after " + warmupEpochs + " warm-up epoch(s)" : "");
        }
    }
}
