package org.marquee.engine.cpu;

import org.marquee.engine.Backend;
import org.marquee.engine.BackendConformanceTest;

/**
 * The CPU backend against the reference, with two workers so the threaded paths run even on one
 * core. Under {@code -Dmarquee.cpu.scalar=true} the same suite checks the scalar twin.
 */
class CpuConformanceTest extends BackendConformanceTest {
    @Override protected Backend backend() { return new CpuBackend(2); }
}
