package org.marquee.engine;

/** The floating-point type a backend stores and computes in. */
public enum Precision {
    /** 4-byte IEEE floats: the cpu and opencl backends. */
    FLOAT32(4),
    /** 8-byte IEEE doubles: the reference backend. */
    FLOAT64(8);

    private final int bytes;

    Precision(int bytes) { this.bytes = bytes; }

    /**
     * Bytes per element.
     *
     * @return 4 for float32, 8 for float64
     */
    public int bytes() { return bytes; }
}
