package org.marquee.engine.cpu;

/**
 * The four same-sized buffers one Adam step reads and writes: parameters p, gradients g, first
 * moment m and second moment v (see {@link org.marquee.engine.Backend#adamStep}).
 *
 * @param params    p, updated in place
 * @param grads     g, read
 * @param firstMoment  m, updated in place
 * @param secondMoment v, updated in place
 */
record AdamBuffers(Slice params, Slice grads, Slice firstMoment, Slice secondMoment) {
    /** The same buffers from element {@code delta} on. */
    AdamBuffers from(int delta) {
        return new AdamBuffers(params.from(delta), grads.from(delta), firstMoment.from(delta), secondMoment.from(delta));
    }
}
