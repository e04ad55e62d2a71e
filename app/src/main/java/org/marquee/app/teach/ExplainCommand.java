package org.marquee.app.teach;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.marquee.app.backend.BackendChoice;
import org.marquee.app.cli.BackendMixin;
import org.marquee.app.cli.CommandLines;
import org.marquee.app.cli.OptionRanges;
import org.marquee.app.report.FeatureMapImage;
import org.marquee.engine.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code explain}: one poster through the poster model, layer by layer: output shape, parameter
 * count, min / mean / max, share of zeros and time, then the genre probabilities. Each
 * convolution's feature maps are written as a PNG.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one poster through the poster model and prints each layer's output shape, parameters, values and time.",
                "Writes each convolution's feature maps as PNG. Without --poster it uses a built-in synthetic poster;"
                        + " without --checkpoint the model is untrained, from --seed."})
public final class ExplainCommand implements Callable<Integer> {
    /** --backend, --device and --threads as for train, but reference by default: float64, the readable loops. */
    @Mixin BackendMixin backendOptions = new BackendMixin(BackendChoice.REFERENCE);

    @Option(names = "--poster", paramLabel = "FILE", description = "a JPEG or PNG poster (default: a synthetic poster)")
    Path poster;

    @Option(names = "--synthetic", paramLabel = "INDEX", defaultValue = "0",
            description = "which synthetic poster to use when no --poster is given (default: ${DEFAULT-VALUE})")
    int syntheticIndex;

    @Option(names = "--data-seed", paramLabel = "SEED", defaultValue = "42",
            description = "seed of the synthetic poster set (default: ${DEFAULT-VALUE})")
    long dataSeed;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "seed of the model's Glorot-uniform initialization (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--image-size", paramLabel = "PX", defaultValue = "224",
            description = "poster side in pixels for an untrained model; the layers are the same, their shapes follow (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Option(names = {"-c", "--checkpoint"}, paramLabel = "FILE",
            description = "explain a trained model saved by train, instead of an untrained one")
    Path checkpoint;

    @Option(names = "--raw-weights", description = "with --checkpoint: the trained weights even when the checkpoint holds their moving average")
    boolean rawWeights;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "runs/explain",
            description = "folder for the feature-map PNGs (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "run the forward pass N times and report each layer's median time; the first run includes "
                    + "the JIT's warm-up (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--no-images", description = "do not write feature-map PNGs")
    boolean noImages;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        OptionRanges.check("--synthetic", syntheticIndex, 0, Integer.MAX_VALUE);
        OptionRanges.imageSize("--image-size", imageSize);
        OptionRanges.check("--repeat", repeat, 1, 10_000);
        backendOptions.check();
        List<Path> written = new ArrayList<>();
        try (Backend backend = backendOptions.open(new PrintStream(OutputStream.nullOutputStream()));   // its own backend line is printed below
             ExplainModel explained = checkpoint != null ? ExplainModel.checkpoint(backend, checkpoint, rawWeights)
                     : ExplainModel.untrained(backend, seed, imageSize)) {
            int size = explained.imageSize();
            PosterInput input = poster != null ? PosterInput.file(poster, size) : PosterInput.synthetic(syntheticIndex, size, dataSeed);
            out.printf(Locale.ROOT, "poster:  %s%n", input.description());
            out.printf(Locale.ROOT, "model:   %s%n", explained.description());
            out.printf(Locale.ROOT, "backend: %s%n%n", backend.describe());
            double[] pixels = input.pixels();
            if (explained.normalization() != null) explained.normalization().apply(pixels);   // what the model was trained on
            ExplainRun.Result result = ExplainRun.run(explained.model(), pixels, noImages ? null : (conv, maps) -> {
                int[] s = conv.outputShape();
                Path file = output.resolve(conv.name() + ".png");
                FeatureMapImage.write(FeatureMapImage.draw(maps, s[0], s[1], s[2]), file);
                written.add(file);
            }, repeat);
            out.print(ExplainReport.table(result.layers(), true));
            if (repeat > 1) out.printf(Locale.ROOT, "(times: median of %d runs)%n", repeat);
            out.println();
            out.print(Predictions.describe(result.logits(), input.labels(explained.genres()), explained.genres(), 5));
        }
        for (Path p : written) out.println("wrote " + p);
        out.flush();
        return 0;
    }

    public static void main(String[] args) {
        CommandLines.main(new ExplainCommand(), args);
    }
}
