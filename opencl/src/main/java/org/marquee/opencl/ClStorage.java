package org.marquee.opencl;

import org.jocl.CL;
import org.jocl.cl_mem;
import org.marquee.engine.Storage;

/** A float32 device buffer; {@link #close()} releases it at once (idempotent). */
final class ClStorage implements Storage {
    private final cl_mem memory;
    private final long capacity;   // (capacity) floats
    private boolean released;

    ClStorage(cl_mem memory, long capacity) {
        this.memory = memory;
        this.capacity = capacity;
    }

    cl_mem memory() {
        if (released) throw new IllegalStateException("OpenCL buffer of " + capacity + " floats was already closed");
        return memory;
    }

    @Override public long capacity() { return capacity; }

    @Override
    public void close() {
        if (!released) {
            released = true;
            OpenClException.check(CL.clReleaseMemObject(memory), "clReleaseMemObject");
        }
    }
}
