package org.marquee.engine.cpu;

/**
 * A 2x2 max pooling's values (or their gradient) and its winners, at the same positions: winner
 * code q = 2*dy + dx of each window's maximum, stored as a float (see {@link Pooling}).
 *
 * @param values  the pooled values, or the gradient with respect to them
 * @param winners the winner codes
 */
record Pooled(Slice values, Slice winners) {
    Pooled {
        java.util.Objects.requireNonNull(values, "values");
        java.util.Objects.requireNonNull(winners, "winners");
    }
}
