package org.marquee.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.marquee.app.LoadedModel;
import org.marquee.app.metrics.Baselines;
import org.marquee.dataset.PosterImages;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the most likely genres of one or more poster images (JPEG or PNG).",
                "A poster that cannot be read is reported and the others still predicted; the exit code is then 1."})
public final class PredictCommand implements Callable<Integer> {
    @Mixin BackendMixin backendOptions;

    @Option(names = {"-c", "--checkpoint"}, paramLabel = "FILE",
            description = "checkpoint to predict with (default: " + CheckpointLocator.DEFAULT_DESCRIPTION + ")")
    Path checkpoint;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "genres to show per poster (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Parameters(paramLabel = "POSTER", arity = "1..*", description = "poster image files")
    List<Path> posters;

    /** One poster's top genres, or the reason it has none ({@code error} non-null, the lists empty). */
    record Prediction(Path file, List<String> genres, List<Double> probabilities, String error) {
        Prediction(Path file, List<String> genres, List<Double> probabilities) {
            this(file, genres, probabilities, null);
        }

        static Prediction failed(Path file, String error) {
            return new Prediction(file, List.of(), List.of(), error);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        OptionRanges.check("--top", top, 1, Integer.MAX_VALUE);
        backendOptions.check();
        PrintStream log = json ? System.err : System.out;
        Path checkpoint = CheckpointLocator.orLatest(this.checkpoint);
        List<Prediction> results = new ArrayList<>();
        try (Backend backend = backendOptions.open(log);
             LoadedModel loaded = LoadedModel.open(checkpoint, backend)) {
            List<String> names = loaded.checkpoint().genres();
            int k = Math.min(top, names.size());
            PosterImages images = new PosterImages(loaded.imageSize());
            try (Tensor x = backend.allocate(1, 3, loaded.imageSize(), loaded.imageSize())) {   // (1, 3, S, S)
                for (Path file : posters) {
                    float[] pixels;
                    try {
                        pixels = images.load(file);
                    } catch (IOException | RuntimeException e) {
                        Prediction failed = Prediction.failed(file, e.getMessage() != null ? e.getMessage() : e.toString());
                        results.add(failed);
                        if (!json) System.err.println("error: " + file + ": " + failed.error());
                        continue;
                    }
                    backend.upload(x, pixels);
                    double[] z = loaded.model().forward(x, false).toDoubles();
                    double[] p = new double[z.length];
                    for (int j = 0; j < z.length; j++) p[j] = 1 / (1 + Math.exp(-z[j]));
                    List<String> g = new ArrayList<>();
                    List<Double> q = new ArrayList<>();
                    for (int j : Baselines.topK(p, k)) { g.add(names.get(j)); q.add(p[j]); }
                    Prediction r = new Prediction(file, g, q);
                    results.add(r);
                    if (!json) out.print(toText(List.of(r)));
                }
            }
            if (json) out.print(toJson(results));
        }
        long failed = results.stream().filter(r -> r.error() != null).count();
        if (failed > 0) {
            System.err.printf("error: %,d of %,d posters could not be read%n", failed, results.size());
            return 1;
        }
        return 0;
    }

    static String toText(List<Prediction> results) {
        StringBuilder sb = new StringBuilder();
        for (Prediction r : results) {
            if (r.error() != null) continue;
            sb.append(r.file()).append(':');
            for (int i = 0; i < r.genres().size(); i++) {
                sb.append(String.format(Locale.ROOT, "%s %s %.1f%%", i == 0 ? "" : ",", r.genres().get(i), 100 * r.probabilities().get(i)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String toJson(List<Prediction> results) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int n = 0; n < results.size(); n++) {
            Prediction r = results.get(n);
            sb.append("  {\"file\": ").append(quote(r.file().toString()));
            if (r.error() != null) {
                sb.append(", \"error\": ").append(quote(r.error())).append('}').append(n + 1 < results.size() ? ",\n" : "\n");
                continue;
            }
            sb.append(", \"genres\": [");
            for (int i = 0; i < r.genres().size(); i++) {
                sb.append(i == 0 ? "" : ", ").append("{\"genre\": ").append(quote(r.genres().get(i)))
                        .append(String.format(Locale.ROOT, ", \"probability\": %.4f}", r.probabilities().get(i)));
            }
            sb.append("]}").append(n + 1 < results.size() ? ",\n" : "\n");
        }
        return sb.append("]\n").toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c)); else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
