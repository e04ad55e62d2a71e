package org.marquee.opencl;

import java.util.Locale;
import org.marquee.engine.DeviceKind;

/**
 * Which GEMM kernels an {@link OpenClBackend} uses. {@link #CPU}: the CPU-shaped kernels of
 * {@code gemm.cl} (few work-items with wide vector tiles, as PoCL runs them best). {@link #GPU}:
 * the GPU-shaped ones of {@code gemm_gpu.cl} (2-D register blocking over many work-items, a
 * variant per device and shape chosen by {@link GpuGemm}'s tuner). A GPU device gets the GPU
 * family, any other device the CPU family, unless the setting {@value #PROPERTY}
 * ({@code auto}, {@code cpu} or {@code gpu}; on the command line a system property) or a
 * constructor option forces one.
 */
public enum GemmFamily {
    CPU, GPU;

    /** The setting ({@link OpenClBackend.Options#fromProperties}) that forces a family. */
    public static final String PROPERTY = "marquee.opencl.family";

    /** The family for a device of this kind. */
    public static GemmFamily forKind(DeviceKind kind) { return kind == DeviceKind.GPU ? GPU : CPU; }

    /**
     * The family a property value asks for: null for {@code auto}, blank or no value (the device
     * decides).
     *
     * @throws IllegalArgumentException for anything but auto, cpu or gpu (any case)
     */
    public static GemmFamily parse(String value) {
        if (value == null || value.isBlank()) return null;
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> null;
            case "cpu" -> CPU;
            case "gpu" -> GPU;
            default -> throw new IllegalArgumentException(PROPERTY + " must be auto, cpu or gpu, got \"" + value + "\"");
        };
    }

    /** Lower-case name, as the property and {@code describe()} spell it. */
    public String label() { return name().toLowerCase(Locale.ROOT); }
}
