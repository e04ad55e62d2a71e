package org.marquee.engine.cpu;

import java.util.Objects;

/**
 * dL/dy as a convolution's backward pass receives it: either plainly, (n, K, OH, OW) at
 * {@code values}, or given max-pooled, when the convolution's output went through a fused 2x2 max
 * pooling: the gradient with respect to the pooled values (n, K, OH/2, OW/2) at {@code values} and
 * the pooling's winner codes at {@code winners}, from which each unit of work unpools the rows of
 * dY it reads. Built by {@link #plain} or {@link #pooled}; {@link #isPooled} tells which.
 *
 * @param values  dY, or the gradient of the pooled values
 * @param winners the pooling's winners; null for a plain dY (ask {@link #isPooled})
 */
record ConvGradient(Slice values, Slice winners) {
    ConvGradient {
        Objects.requireNonNull(values, "values");
    }

    /** dY of the convolution's output itself. */
    static ConvGradient plain(Slice dy) { return new ConvGradient(dy, null); }

    /** dY given through the fused 2x2 max pooling: its gradient and winners. */
    static ConvGradient pooled(Pooled gradient) { return new ConvGradient(gradient.values(), gradient.winners()); }

    /** Whether dY is given max-pooled (with winners). */
    boolean isPooled() { return winners != null; }
}
