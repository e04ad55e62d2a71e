package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.marquee.engine.BackendProvider.Availability;

/**
 * Whether the OpenCL tests run here. Without a usable device they are skipped, unless
 * {@code MARQUEE_REQUIRE_OPENCL=1} (set by CI), where a missing device is a failure that says why.
 * Published in this module's test-jar for the modules above it (app's poster-model test).
 */
public final class OpenClRequirement {
    static final String ENV = "MARQUEE_REQUIRE_OPENCL";

    enum Decision { RUN, SKIP, FAIL }

    private OpenClRequirement() {}

    /** The pure rule: available runs; unavailable fails when required ("1" or "true"), else skips. */
    static Decision decide(Availability availability, String requireValue) {
        if (availability.available()) return Decision.RUN;
        return required(requireValue) ? Decision.FAIL : Decision.SKIP;
    }

    static boolean required(String value) {
        return value != null && (value.trim().equals("1") || value.trim().equalsIgnoreCase("true"));
    }

    /** Applies the rule to this machine: returns normally only when OpenCL is usable. */
    public static void check() {
        linkLibrary();
        Availability a = new OpenClProvider().probe();
        switch (decide(a, System.getenv(ENV))) {
            case RUN -> { }
            case SKIP -> Assumptions.abort("OpenCL unavailable, tests skipped: " + a.reason());
            case FAIL -> fail(ENV + " is set but OpenCL is unavailable: " + a.reason());
        }
    }

    /**
     * JOCL loads "libOpenCL.so"; a runtime-only install has just libOpenCL.so.1. The build puts
     * {@code marquee.opencl.linkDir} on LD_LIBRARY_PATH; link the library there before JOCL loads.
     */
    public static synchronized void linkLibrary() {
        String dir = System.getProperty("marquee.opencl.linkDir");
        if (dir == null) return;
        Path link = Path.of(dir, "libOpenCL.so");
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) return;
        for (String lib : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"}) {
            Path target = Path.of(lib, "libOpenCL.so.1");
            if (!Files.exists(target)) continue;
            try {
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, target);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot link " + link + " to " + target, e);
            }
            return;
        }
    }

    /** A backend on the default device, after {@link #check()}. */
    public static OpenClBackend backend() {
        check();
        return (OpenClBackend) new OpenClProvider().create(null);
    }

    /** A backend on the default device with these options (e.g. a GEMM family forced), after {@link #check()}. */
    public static OpenClBackend backend(OpenClBackend.Options options) {
        check();
        return new OpenClBackend(OpenClDevices.preferred(OpenClDevices.list()), options);
    }
}
