package org.marquee.engine.cpu;

import org.marquee.engine.Storage;

/** Host memory of the CPU backend: a plain {@code float[]}. */
final class FloatStorage implements Storage {
    final float[] data;

    FloatStorage(int n) { data = new float[n]; }

    @Override public long capacity() { return data.length; }
    @Override public void close() {}
}
