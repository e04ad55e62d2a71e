package org.marquee.engine.nn;

/**
 * The engine's layer parity test (every available backend against the float64 reference) run
 * with this module on the class path, so the "opencl" provider takes part. When OpenCL is
 * unavailable the provider reports so and only the other backends are compared.
 */
class OpenClParityTest extends BackendParityTest {
    static {
        org.marquee.opencl.OpenClRequirement.linkLibrary();
    }
}
