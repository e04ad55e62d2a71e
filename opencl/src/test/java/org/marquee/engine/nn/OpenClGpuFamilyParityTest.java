package org.marquee.engine.nn;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.marquee.engine.BackendProvider;

/**
 * {@link BackendParityTest} for the "opencl" provider only, with the GPU GEMM family forced
 * through the system property the provider's backend reads ({@code marquee.opencl.family=gpu},
 * tuning off), set for this class and restored after it.
 */
class OpenClGpuFamilyParityTest extends BackendParityTest {
    private static String family, tune;

    static {
        org.marquee.opencl.OpenClRequirement.linkLibrary();
    }

    /** Hides the parent's list: only OpenCL, when it is usable. */
    static Stream<String> otherBackends() {
        return BackendProvider.named("opencl").filter(p -> p.probe().available()).map(BackendProvider::name).stream();
    }

    @BeforeAll
    static void forceGpuFamily() {
        family = System.setProperty(org.marquee.opencl.GemmFamily.PROPERTY, "gpu");
        tune = System.setProperty("marquee.opencl.tune", "off");
    }

    @AfterAll
    static void restore() {
        restore(org.marquee.opencl.GemmFamily.PROPERTY, family);
        restore("marquee.opencl.tune", tune);
    }

    @org.junit.jupiter.api.Test
    void theProvidersBackendUsesTheGpuFamily() {
        var provider = BackendProvider.named("opencl").orElseThrow();
        org.junit.jupiter.api.Assumptions.assumeTrue(provider.probe().available() || System.getenv("MARQUEE_REQUIRE_OPENCL") != null,
                "OpenCL unavailable");
        try (var b = (org.marquee.opencl.OpenClBackend) provider.create(BackendProvider.BackendOptions.defaults())) {
            org.junit.jupiter.api.Assertions.assertEquals(org.marquee.opencl.GemmFamily.GPU, b.gemmFamily(), b.describe());
            org.junit.jupiter.api.Assertions.assertTrue(b.describe().contains("gemm gpu family, untuned"), b.describe());
        }
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }
}
