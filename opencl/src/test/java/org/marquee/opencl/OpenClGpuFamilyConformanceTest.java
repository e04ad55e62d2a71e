package org.marquee.opencl;

import org.marquee.engine.Backend;
import org.marquee.engine.BackendConformanceTest;

/**
 * The shared backend contract with the GPU GEMM family forced, whatever the device (on PoCL this
 * runs gemm_gpu.cl on the CPU). Untuned, so every GEMM takes the first variant that fits; each
 * variant is checked on its own in {@link GemmGpuKernelTest} and the tuner in {@link GpuGemmTunerTest}.
 */
class OpenClGpuFamilyConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend backend() {
        OpenClBackend b = OpenClRequirement.backend(OpenClBackend.Options.fromProperties(System.getProperties()).withFamily(GemmFamily.GPU).withTuning(false));
        if (b.gemmFamily() != GemmFamily.GPU) throw new AssertionError("GPU family not in use: " + b.describe());
        return b;
    }
}
