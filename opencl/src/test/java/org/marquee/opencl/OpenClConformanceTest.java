package org.marquee.opencl;

import org.marquee.engine.Backend;
import org.marquee.engine.BackendConformanceTest;

/** The shared backend contract on the default OpenCL device (skipped without one, see {@link OpenClRequirement}). */
class OpenClConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend backend() { return OpenClRequirement.backend(); }
}
