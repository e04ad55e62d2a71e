package org.marquee.engine.nn;

import java.util.Map;
import java.util.stream.Stream;
import org.marquee.engine.BackendProvider;

/**
 * {@link BackendParityTest} for the "opencl" provider only, with the GPU GEMM family forced
 * through the settings the provider's backend is given ({@code marquee.opencl.family=gpu}, tuning off).
 */
class OpenClGpuFamilyParityTest extends BackendParityTest {
    static {
        org.marquee.opencl.OpenClRequirement.linkLibrary();
    }

    /** Hides the parent's list: only OpenCL, when it is usable. */
    static Stream<String> otherBackends() {
        return BackendProvider.named("opencl").filter(p -> p.probe().available()).map(BackendProvider::name).stream();
    }

    @Override
    Map<String, String> settings() {
        return Map.of(org.marquee.opencl.OpenClBackend.Options.FAMILY_PROPERTY, "gpu", org.marquee.opencl.OpenClBackend.Options.TUNE_PROPERTY, "off");
    }

    @org.junit.jupiter.api.Test
    void theProvidersBackendUsesTheGpuFamily() {
        var provider = BackendProvider.named("opencl").orElseThrow();
        org.junit.jupiter.api.Assumptions.assumeTrue(provider.probe().available() || System.getenv("MARQUEE_REQUIRE_OPENCL") != null,
                "OpenCL unavailable");
        try (var b = (org.marquee.opencl.OpenClBackend) provider.create(new BackendProvider.BackendOptions(0, null, settings()))) {
            org.junit.jupiter.api.Assertions.assertEquals(org.marquee.opencl.GemmFamily.GPU, b.gemmFamily(), b.describe());
            org.junit.jupiter.api.Assertions.assertTrue(b.describe().contains("gemm gpu family, untuned"), b.describe());
        }
    }
}
