package org.marquee.engine.reference;

import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider;

/** Makes the reference backend discoverable by name; it is always available. */
public final class ReferenceProvider implements BackendProvider {
    /** A provider; ServiceLoader makes it. */
    public ReferenceProvider() {}

    @Override public String name() { return "reference"; }
    /** A fallback: exact but slow. */
    @Override public int priority() { return 0; }
    @Override public Availability probe() { return Availability.yes("float64 scalar reference, always available"); }
    @Override public Backend create(BackendOptions options) { return new ReferenceBackend(); }
}
