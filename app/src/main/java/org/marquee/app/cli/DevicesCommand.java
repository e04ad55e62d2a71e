package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.marquee.app.PosterModel;
import org.marquee.app.backend.BackendChoice;
import org.marquee.app.backend.BackendSelector;
import org.marquee.app.backend.CommandLineSettings;
import org.marquee.engine.BackendProvider;
import org.marquee.opencl.GemmFamily;
import org.marquee.opencl.GpuGemm;
import org.marquee.opencl.OpenClBackend;
import org.marquee.opencl.OpenClDevices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"Lists the backends on the class path with whether each can run here, every OpenCL device, and what --backend auto would pick (and why).",
                "With --tune, times every GPU GEMM variant that fits the chosen OpenCL device on the poster model's GEMM shapes,"
                        + " prints the table and rewrites the tuning cache with the winners."})
public final class DevicesCommand implements Callable<Integer> {
    @Option(names = "--tune", description = "re-tune the GPU GEMM on the chosen OpenCL device and rewrite its cache")
    boolean tune;

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "OpenCL device to tune: index or part of its name (default: the first GPU or accelerator, else the first)")
    String device;

    @Option(names = "--family", paramLabel = "FAMILY", defaultValue = "auto",
            description = "GEMM family to tune: auto (gpu on a GPU, else cpu, which has nothing to tune), cpu or gpu (default: ${DEFAULT-VALUE})")
    String family;

    @Option(names = "--image-size", paramLabel = "PIXELS", defaultValue = "224",
            description = "with --tune: the poster side the GEMM shapes follow from (default: ${DEFAULT-VALUE}, the model's)")
    int imageSize;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "with --tune: the batch size the GEMM shapes follow from (the convolutions run the whole batch per GEMM; default: ${DEFAULT-VALUE})")
    int batch;

    /** The older name of --batch-size, still accepted; null when not given. */
    @Option(names = "--batch", paramLabel = "N", hidden = true)
    Integer batchAlias;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        out.println("backends:");
        for (BackendProvider p : BackendProvider.all()) {
            BackendProvider.Availability a = p.probe();
            out.printf("  %-10s %s: %s%n", p.name(), a.available() ? "available" : "unavailable", a.reason());
        }
        out.println("OpenCL devices:");
        List<OpenClDevices.Device> devices = List.of();
        try {
            devices = OpenClDevices.list();
            if (devices.isEmpty()) out.println("  none (no OpenCL platform or device found)");
            for (OpenClDevices.Device d : devices) out.println("  " + d.describe());
        } catch (RuntimeException | LinkageError e) {
            out.println("  none: " + e.getMessage());
        }
        out.println("--backend auto would pick:");
        try {
            BackendSelector.discover(new PrintStream(new IndentedLines(out), true, StandardCharsets.UTF_8)).choose(BackendChoice.AUTO);
        } catch (IllegalStateException e) {
            out.println("  nothing: " + e.getMessage());
        }
        return tune ? tune(devices, out) : 0;
    }

    /** Writes each line it is given to {@code target} indented by two spaces. */
    private static final class IndentedLines extends java.io.OutputStream {
        private final PrintStream target;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        IndentedLines(PrintStream target) { this.target = target; }

        @Override
        public void write(int b) {
            if (b == '\n') {
                target.println("  " + line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    private int tune(List<OpenClDevices.Device> devices, PrintStream out) {
        GemmFamily forced = GemmFamily.parse(family);
        OptionRanges.imageSize("--image-size", imageSize);
        if (batchAlias != null) batch = batchAlias;
        OptionRanges.check("--batch-size", batch, 1, 65_536);
        OpenClDevices.Device d = OpenClDevices.select(devices, device);
        OpenClBackend.Options options = OpenClBackend.Options.fromProperties(CommandLineSettings.currentAsProperties()).withFamily(forced).withTuning(true);
        try (OpenClBackend b = new OpenClBackend(d, options)) {
            out.println("tuning GEMM on " + d.describe());
            if (b.gemmFamily() == GemmFamily.CPU) {
                out.println("  the cpu GEMM family (this device's) has one kernel: nothing to tune; --family gpu tunes the GPU kernels here");
                return 0;
            }
            out.println("  candidates: " + b.gemmCandidates());
            List<GpuGemm.Tuning> results = b.retuneGemm(posterShapes(imageSize, batch));
            if (!results.isEmpty() && !results.get(0).unfit().isEmpty()) out.println("  not candidates: " + results.get(0).unfit());
            printTable(out, b, results);
            out.println("cache: " + b.gemmTuneCacheFile());
        }
        return 0;
    }

    private static void printTable(PrintStream out, OpenClBackend b, List<GpuGemm.Tuning> results) {
        List<String> names = b.gemmCandidates().stream().map(Object::toString).toList();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-34s %-22s", "shape (M x N x K), ms", "class"));
        for (int i = 0; i < names.size(); i++) header.append(String.format(Locale.ROOT, " %9s", "v" + (i + 1)));
        out.println(header.append("  winner"));
        for (GpuGemm.Tuning t : results) {
            GpuGemm.Shape s = t.shape();
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-34s %-22s",
                    s.label() + " " + s.m() + "x" + s.n() + "x" + s.k(), t.shapeClass()));
            for (String name : names) {
                Double ms = t.millis().get(name);
                row.append(ms == null ? String.format(Locale.ROOT, " %9s", "-") : String.format(Locale.ROOT, " %9.3f", ms));
            }
            out.println(row.append("  ").append(t.winner()));
        }
        for (int i = 0; i < names.size(); i++) out.println("  v" + (i + 1) + " = " + names.get(i));
    }

    /**
     * The poster model's GEMMs as the GPU family runs them, for square posters of {@code size}
     * pixels and a batch of {@code batch}: each convolution over its whole group of images at once
     * (N, or K for the weight gradient, = images x positions; the group is the batch unless its
     * column matrix would pass 512 MiB), forward, weight gradient and the input gradient of conv2
     * and conv3; dense1 and dense2 over the batch. So the tuning cache holds the shape classes a
     * training step meets.
     */
    static List<GpuGemm.Shape> posterShapes(int size, int batch) {
        List<GpuGemm.Shape> shapes = new ArrayList<>();
        int c = PosterModel.CHANNELS, h = size, w = size;
        int layer = 1;
        for (int filters : new int[] {32, 64, 128}) {
            int oh = h - 2, ow = w - 2, patch = c * 9, positions = oh * ow;   // 3x3 valid convolution
            int images = OpenClBackend.batchedConvImages(patch, filters, positions, batch);
            int columns = Math.multiplyExact(images, positions);
            String name = "conv" + layer + " ";
            shapes.add(new GpuGemm.Shape(name + "fwd", false, false, filters, columns, patch));
            shapes.add(new GpuGemm.Shape(name + "dW", false, true, filters, patch, columns));
            if (layer > 1) shapes.add(new GpuGemm.Shape(name + "dx", true, false, patch, columns, filters));
            c = filters;
            h = oh / 2;
            w = ow / 2;
            layer++;
        }
        int flat = c * h * w, units = 128, labels = PosterModel.GENRES;
        shapes.add(new GpuGemm.Shape("dense1 fwd", false, false, batch, units, flat));
        shapes.add(new GpuGemm.Shape("dense1 dW", true, false, flat, units, batch));
        shapes.add(new GpuGemm.Shape("dense1 dx", false, true, batch, flat, units));
        shapes.add(new GpuGemm.Shape("dense2 fwd", false, false, batch, labels, units));
        shapes.add(new GpuGemm.Shape("dense2 dW", true, false, units, labels, batch));
        shapes.add(new GpuGemm.Shape("dense2 dx", false, true, batch, units, labels));
        return shapes;
    }

}
