package org.marquee.app.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.marquee.app.backend.BackendChoice;
import org.marquee.app.backend.BackendSelector;
import org.marquee.app.backend.CommandLineSettings;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendProvider.BackendOptions;
import picocli.CommandLine.Option;

/** --backend, --device and --threads, shared by every command that computes. */
public final class BackendMixin {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "auto, cpu, opencl or reference (default: ${DEFAULT-VALUE}; auto takes a backend on a GPU or accelerator when"
                    + " one is usable, OpenCL on a GPU, else cpu, and says why; the devices command shows what it would pick)")
    String backend;

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "OpenCL device: index or part of its name (see the devices command); default: the first GPU or accelerator,"
                    + " else the first device")
    String device;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "worker threads for the cpu backend, 0 = all processors (default: ${DEFAULT-VALUE})")
    int threads;

    /** The options with --backend auto, as train, evaluate and predict use them. */
    public BackendMixin() { this(BackendChoice.AUTO); }

    /** The options with another default for --backend (picocli takes the field's value as the default). */
    public BackendMixin(BackendChoice defaultBackend) {
        this.backend = defaultBackend.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Rejects an unknown --backend name (listing the known ones) and out-of-range values, before
     * anything is opened or loaded. Whether the named backend can run here is found out by {@link #open}.
     */
    public void check() {
        BackendChoice c = choice();
        OptionRanges.check("--threads", threads, 0, 4096);
        if (device != null && (c == BackendChoice.CPU || c == BackendChoice.REFERENCE)) {
            throw new IllegalArgumentException("--device " + device + " picks an OpenCL device, and the " + backend + " backend uses none:"
                    + " leave it out, or give --backend opencl (the devices command lists them)");
        }
    }

    /** The --backend value as a choice; an unknown name is an {@link IllegalArgumentException} naming the known ones. */
    public BackendChoice choice() {
        try {
            return BackendChoice.parse(backend);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backend: " + e.getMessage(), e);
        }
    }

    /** Opens the chosen backend, printing to {@code log} which backend it is (and, for auto, why). */
    public Backend open(PrintStream log) {
        check();
        return BackendSelector.discover(log).open(choice(), new BackendOptions(threads, device, CommandLineSettings.current()));
    }
}
