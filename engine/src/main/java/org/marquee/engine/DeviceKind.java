package org.marquee.engine;

/** What a backend computes on. Choosing automatically, a GPU or an accelerator beats the host CPU. */
public enum DeviceKind {
    /** The host's processors (the cpu and reference backends, or an OpenCL CPU device such as PoCL). */
    CPU,
    /** A graphics processor. */
    GPU,
    /** Another dedicated compute device (OpenCL's CL_DEVICE_TYPE_ACCELERATOR). */
    ACCELERATOR;

    /**
     * Whether this is a device apart from the host CPU, which an automatic choice prefers.
     *
     * @return true for a GPU or an accelerator
     */
    public boolean dedicated() { return this != CPU; }

    /**
     * "a CPU", "a GPU", "an accelerator".
     *
     * @return the kind with its indefinite article
     */
    public String withArticle() {
        return switch (this) {
            case CPU -> "a CPU";
            case GPU -> "a GPU";
            case ACCELERATOR -> "an accelerator";
        };
    }
}
