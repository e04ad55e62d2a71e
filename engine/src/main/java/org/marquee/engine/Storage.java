package org.marquee.engine;

/**
 * Memory owned by a backend: a {@code double[]} for the reference backend, a {@code float[]} for
 * the CPU backend, a device buffer for OpenCL. Closing it releases device memory deterministically;
 * host storages may treat close as a no-op.
 */
public interface Storage extends AutoCloseable {
    /**
     * Capacity in elements.
     *
     * @return the number of elements it holds
     */
    long capacity();

    @Override
    void close();
}
