package org.marquee.engine.reference;

import org.marquee.engine.Backend;
import org.marquee.engine.BackendConformanceTest;

/** The reference against itself: proves the conformance suite runs and its own checks hold. */
class ReferenceConformanceTest extends BackendConformanceTest {
    @Override protected Backend backend() { return new ReferenceBackend(); }
}
