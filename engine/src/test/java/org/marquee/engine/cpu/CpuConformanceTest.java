package org.marquee.engine.cpu;

import org.junit.jupiter.api.Nested;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendConformanceTest;

/**
 * The CPU backend against the reference, with two workers so the threaded paths run even on one
 * core, once per option variant, side by side in one run: as configured (the options of the
 * {@code marquee.cpu.*} system properties, the defaults unless set), the scalar twin, and the other
 * pair-lane choice than the configured one, so that either JDK tests both ways of pooling and
 * hashing dropout masks.
 */
class CpuConformanceTest {

    /** The options the variants start from. */
    static CpuOptions configured() { return CpuOptions.fromProperties(System.getProperties()).withThreads(2); }

    @Nested
    class Configured extends BackendConformanceTest {
        @Override protected Backend backend() { return new CpuBackend(configured()); }
    }

    @Nested
    class ScalarTwin extends BackendConformanceTest {
        @Override protected Backend backend() { return new CpuBackend(configured().withScalar(true)); }
    }

    @Nested
    class OtherPairLanes extends BackendConformanceTest {
        @Override protected Backend backend() {
            CpuOptions options = configured();
            return new CpuBackend(options.withPairLanes(!options.pairLanes()));
        }
    }
}
