package org.marquee.app.backend;

import java.util.Locale;

/** The backends a user can ask for; {@link #AUTO} picks a usable backend on a GPU or
 * accelerator (OpenCL on a GPU), else the CPU backend ({@link BackendSelector}). */
public enum BackendChoice {
    AUTO, CPU, OPENCL, REFERENCE;

    /** The provider name ("cpu", "opencl", "reference"); AUTO has none. */
    public String providerName() { return name().toLowerCase(Locale.ROOT); }

    /** Parses "auto", "cpu", "opencl" or "reference", case-insensitively. */
    public static BackendChoice parse(String s) {
        if (s != null) for (BackendChoice c : values()) if (c.name().equalsIgnoreCase(s.trim())) return c;
        throw new IllegalArgumentException("unknown backend '" + s + "': expected " + known());
    }

    /** The names {@link #parse} accepts, as a sentence: "auto, cpu, opencl or reference". */
    public static String known() {
        StringBuilder sb = new StringBuilder();
        BackendChoice[] all = values();
        for (int i = 0; i < all.length; i++) {
            sb.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
