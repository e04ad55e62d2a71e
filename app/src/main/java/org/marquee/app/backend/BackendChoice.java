package org.marquee.app.backend;

import java.util.Locale;

/** The backends a user can ask for; {@link #AUTO} picks OpenCL when usable, else the CPU backend. */
public enum BackendChoice {
    AUTO, CPU, OPENCL, REFERENCE;

    /** The provider name ("cpu", "opencl", "reference"); AUTO has none. */
    public String providerName() { return name().toLowerCase(Locale.ROOT); }

    /** Parses "auto", "cpu", "opencl" or "reference", case-insensitively. */
    public static BackendChoice parse(String s) {
        for (BackendChoice c : values()) if (c.name().equalsIgnoreCase(s.trim())) return c;
        throw new IllegalArgumentException("unknown backend '" + s + "': expected auto, cpu, opencl or reference");
    }
}
