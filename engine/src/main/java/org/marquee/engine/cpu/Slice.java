package org.marquee.engine.cpu;

import java.util.Objects;

/**
 * An operand in a {@code float[]}: the array and the index of the operand's first element in it
 * (a tensor's storage and offset). The kernels' signatures take one of these where they used to
 * take an array and an offset side by side; their loops read both into locals first.
 *
 * @param array  the storage, never null
 * @param offset the index of element 0 in {@code array}
 */
record Slice(float[] array, int offset) {
    Slice {
        Objects.requireNonNull(array, "array");
        if (offset < 0) throw new IllegalArgumentException("offset must be at least 0: " + offset);
    }

    /** The same array from element {@code delta} of this slice on. */
    Slice from(int delta) { return new Slice(array, offset + delta); }
}
