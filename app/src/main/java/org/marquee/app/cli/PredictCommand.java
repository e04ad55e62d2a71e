package org.marquee.app.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.marquee.app.LoadedModel;
import org.marquee.app.metrics.Baselines;
import org.marquee.app.metrics.DecisionRule;
import org.marquee.app.metrics.Threshold;
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

    @Option(names = "--threshold", paramLabel = "T",
            description = {"default: the checkpoint's decision rule (the top genre, plus others at or above their thresholds, at most 3),"
                    + " or, for a checkpoint without one, the plain rule at 0.5;",
                    "a number T: the plain rule, every genre whose probability is at least T"})
    String threshold;

    @Option(names = "--raw-weights", description = "use the trained weights even when the checkpoint holds their moving average (--ema)")
    boolean rawWeights;

    @Option(names = {"-v", "--verbose"}, description = "also say which backend runs the model and, with --backend auto, why")
    boolean verbose;

    @Parameters(paramLabel = "POSTER", arity = "1..*", description = "poster image files")
    List<Path> posters;

    /**
     * One poster's top genres and the genres the decision rule decides (by probability, highest
     * first), or the reason it has none ({@code error} non-null, the lists empty).
     */
    record Prediction(Path file, List<String> genres, List<Double> probabilities, List<String> decided,
                      List<Double> decidedProbabilities, String error) {
        Prediction(Path file, List<String> genres, List<Double> probabilities, List<String> decided, List<Double> decidedProbabilities) {
            this(file, genres, probabilities, decided, decidedProbabilities, null);
        }

        static Prediction failed(Path file, String error) {
            return new Prediction(file, List.of(), List.of(), List.of(), List.of(), error);
        }

        /** The top {@code k} genres of {@code p} and those {@code rule} decides. */
        static Prediction of(Path file, double[] p, List<String> names, int k, DecisionRule rule) {
            List<String> g = new ArrayList<>();
            List<Double> q = new ArrayList<>();
            for (int j : Baselines.topK(p, k)) { g.add(names.get(j)); q.add(p[j]); }
            boolean[] d = rule.decide(p);
            List<String> dg = new ArrayList<>();
            List<Double> dq = new ArrayList<>();
            for (int j : Baselines.topK(p, p.length)) {
                if (d[j]) { dg.add(names.get(j)); dq.add(p[j]); }
            }
            return new Prediction(file, g, q, dg, dq);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        OptionRanges.check("--top", top, 1, Integer.MAX_VALUE);
        backendOptions.check();
        PrintStream log = json ? System.err : System.out;
        Path checkpoint = CheckpointLocator.orLatest(this.checkpoint);
        Threshold.Request request = threshold == null ? null : Threshold.parse(threshold);
        if (request instanceof Threshold.TuneOnValidation) {
            throw new IllegalArgumentException("predict has no validation split to tune on: give --threshold a number, or leave it out"
                    + " for the checkpoint's decision rule");
        }
        List<Prediction> results = new ArrayList<>();
        try (Backend backend = backendOptions.open(verbose ? log : new PrintStream(OutputStream.nullOutputStream()));
             LoadedModel loaded = LoadedModel.open(checkpoint, backend, rawWeights)) {
            if (loaded.weightsLine() != null) log.println(loaded.weightsLine());
            var normalization = loaded.normalization();
            List<String> names = loaded.checkpoint().genres();
            int k = Math.min(top, names.size());
            DecisionRule rule;
            if (request instanceof Threshold.Fixed fixed) {
                rule = plain(names.size(), fixed.value());
                log.printf(Locale.ROOT, "decided: every genre at probability >= %s (the plain rule)%n", fixed.label());
            } else if (DecisionRule.from(loaded.checkpoint()).isPresent()) {
                rule = DecisionRule.from(loaded.checkpoint()).get();
                log.println("decided by the checkpoint's decision rule: " + rule.describe(names));
            } else {
                rule = plain(names.size(), 0.5);
                log.println("decided: every genre at probability >= 0.50 (the plain rule; the checkpoint stores no decision rule)");
            }
            if (!json) log.println("* marks a decided genre");
            PosterImages images = new PosterImages(loaded.imageSize());
            try (Tensor x = backend.allocate(1, 3, loaded.imageSize(), loaded.imageSize())) {   // (1, 3, S, S)
                for (Path file : posters) {
                    float[] pixels;
                    try {
                        pixels = images.load(file);
                    } catch (IOException | RuntimeException e) {
                        Prediction failed = Prediction.failed(file, reason(file, e));
                        results.add(failed);
                        if (!json) System.err.println("error: " + file + ": " + failed.error());
                        continue;
                    }
                    if (normalization != null) normalization.apply(pixels);
                    backend.upload(x, pixels);
                    double[] z = loaded.model().forward(x, false).toDoubles();
                    double[] p = new double[z.length];
                    for (int j = 0; j < z.length; j++) p[j] = 1 / (1 + Math.exp(-z[j]));
                    Prediction r = Prediction.of(file, p, names, k, rule);
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

    /**
     * Why {@code file} could not be read, without the file's name when the message starts with it
     * (a {@link org.marquee.dataset.PosterException} names its file), since the report names it already.
     */
    static String reason(Path file, Exception e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        String prefix = file + ": ";
        return message.startsWith(prefix) && message.length() > prefix.length() ? message.substring(prefix.length()) : message;
    }

    /** The plain rule: every genre at or above {@code t}, no forced top genre, no cap. */
    static DecisionRule plain(int genres, double t) {
        double[] thresholds = new double[genres];
        java.util.Arrays.fill(thresholds, t);
        return new DecisionRule(thresholds, 0, genres);
    }

    /**
     * One line per poster: its top genres with their probabilities, a {@code *} after each decided
     * one, then any decided genre outside the top ones, e.g. {@code p.png: Drama 61.0% *, Comedy 30.2%, Crime 12.0%}.
     */
    static String toText(List<Prediction> results) {
        StringBuilder sb = new StringBuilder();
        for (Prediction r : results) {
            if (r.error() != null) continue;
            sb.append(r.file()).append(':');
            List<String> shown = new ArrayList<>(r.genres());
            List<Double> p = new ArrayList<>(r.probabilities());
            for (int i = 0; i < r.decided().size(); i++) {
                if (!shown.contains(r.decided().get(i))) {
                    shown.add(r.decided().get(i));
                    p.add(r.decidedProbabilities().get(i));
                }
            }
            for (int i = 0; i < shown.size(); i++) {
                sb.append(String.format(Locale.ROOT, "%s %s %.1f%%%s", i == 0 ? "" : ",", shown.get(i), 100 * p.get(i),
                        r.decided().contains(shown.get(i)) ? " *" : ""));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The results as a JSON array, one object per poster: its file and its top genres with their
     * probabilities at full double precision and whether each is decided, then the decided genres;
     * or its file and the error.
     */
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
                        .append(", \"probability\": ").append(r.probabilities().get(i))   // every digit: the shortest that reads back the same double
                        .append(", \"decided\": ").append(r.decided().contains(r.genres().get(i))).append('}');
            }
            sb.append("], \"decided\": [");
            for (int i = 0; i < r.decided().size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(quote(r.decided().get(i)));
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
