package org.marquee.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.marquee.app.LoadedModel;
import org.marquee.engine.io.AtomicFiles;
import org.marquee.engine.onnx.OnnxExport;
import org.marquee.engine.onnx.OnnxModel;
import org.marquee.engine.reference.ReferenceBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a trained model as an ONNX file, to run it outside Marquee (ONNX Runtime and others).",
                "The graph (opset 13) takes posters as predict reads them, float32 (N, 3, S, S), RGB in [0, 1], and outputs"
                        + " the genre probabilities predict reports and the logits they come from; the genre names are in the"
                        + " file's metadata."})
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--onnx", paramLabel = "FILE", required = true, description = "the ONNX file to write (replaced if it exists)")
    Path onnx;

    @Option(names = {"-c", "--checkpoint"}, paramLabel = "FILE",
            description = "checkpoint to export (default: " + CheckpointLocator.DEFAULT_DESCRIPTION + ")")
    Path checkpoint;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (Files.isDirectory(onnx)) {
            throw new IllegalArgumentException("--onnx: " + onnx + " is a folder; give a file, e.g. " + onnx.resolve("model.onnx"));
        }
        Path checkpoint = CheckpointLocator.orLatest(this.checkpoint);
        if (onnx.toAbsolutePath().normalize().equals(checkpoint.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--onnx " + onnx + " is the checkpoint itself; give another file");
        }
        try (ReferenceBackend backend = new ReferenceBackend();
             LoadedModel loaded = LoadedModel.open(checkpoint, backend)) {
            List<String> genres = loaded.checkpoint().genres();
            int size = loaded.imageSize();
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("genres", String.join(",", genres));
            metadata.put("image_size", size + "x" + size);
            metadata.put("input", "RGB in [0, 1], channel-first, the poster stretched to " + size + "x" + size);
            OnnxModel model = OnnxExport.export(loaded.model(), true, metadata);
            AtomicFiles.write(onnx, model::writeTo);

            out.printf(Locale.ROOT, "wrote %s: %s (%,d bytes), ONNX opset %d, from %s%n", onnx, megabytes(model.size()), model.size(),
                    model.opset(), checkpoint);
            out.printf(Locale.ROOT, "  input   %s  posters as predict reads them: RGB in [0, 1], channel-first, stretched to %dx%d%n",
                    model.input(), size, size);
            out.printf(Locale.ROOT, "  output  %s  per-genre probabilities, what predict reports%n", model.outputs().get(0));
            out.printf(Locale.ROOT, "  output  %s  the logits, before the sigmoid%n", model.outputs().get(1));
            out.println("  nodes   " + String.join(" ", model.operators()) + " (dropout is the identity at inference)");
            out.println("  genres, in output order (also the file's metadata \"genres\"): " + String.join(", ", genres));
            out.println("run it with ONNX Runtime, e.g. in Python (x: a float32 array of shape (N, 3, " + size + ", " + size + ")):");
            out.println("  import onnxruntime as ort");
            out.println("  probabilities, logits = ort.InferenceSession(" + PredictCommand.quote(onnx.toString()) + ").run(None, {\"input\": x})");
        }
        return 0;
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
