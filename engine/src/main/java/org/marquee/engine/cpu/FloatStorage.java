package org.marquee.engine.cpu;

import org.marquee.engine.Storage;

/**
 * Host memory of the CPU backend: a plain {@code float[]}. Closing it marks it released, so a
 * later use of its tensor fails instead of reading what the array still holds.
 */
final class FloatStorage implements Storage {
    private final float[] data;
    private boolean closed;

    FloatStorage(int n) { data = new float[n]; }

    /** The array; throws once the storage is closed. */
    float[] data() {
        if (closed) throw new IllegalStateException("cpu tensor storage of " + data.length + " floats was already closed");
        return data;
    }

    @Override public long capacity() { return data.length; }
    @Override public void close() { closed = true; }
}
