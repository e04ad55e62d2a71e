package org.marquee.app.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Plain-text tables: the model beside the trivial baselines, and per-genre precision / recall / F1. */
public final class MetricsTable {
    private MetricsTable() {}

    /** Rows of (name, report), e.g. the model, "predict nothing" and "always {Drama, Comedy}". */
    public static String compare(List<String> names, List<MetricsReport> reports) {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(10, names.stream().mapToInt(String::length).max().orElse(10));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s  %8s  %8s  %9s  %8s  %8s  %8s  %8s  %8s%n", "", "accuracy", "hamming",
                "one-error", "coverage", "micro-F1", "macro-F1", "mean AUC", "mAP"));
        for (int i = 0; i < names.size(); i++) {
            MetricsReport r = reports.get(i);
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %8.4f  %8.4f  %9s  %8s  %8.4f  %8.4f  %8s  %8s%n", names.get(i),
                    r.accuracy(), r.hammingLoss(), MetricsReport.fmt(r.oneError()), MetricsReport.fmt(r.coverage()),
                    r.microF1(), r.macroF1(), MetricsReport.fmt(r.meanAuc()), MetricsReport.fmt(r.meanAveragePrecision())));
        }
        return sb.toString();
    }

    /** Per-genre rows sorted by support, largest first; AP is the genre's average precision. */
    public static String perGenre(MetricsReport r) {
        List<GenreScore> rows = new ArrayList<>(r.genres());
        rows.sort(Comparator.comparingInt(GenreScore::support).reversed().thenComparing(GenreScore::genre));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-12s  %9s  %6s  %6s  %6s  %6s  %6s%n",
                "genre", "precision", "recall", "F1", "AUC", "AP", "support"));
        for (GenreScore g : rows) {
            sb.append(String.format(Locale.ROOT, "%-12s  %9.3f  %6.3f  %6.3f  %6s  %6s  %6d%n", g.genre(), g.precision(), g.recall(),
                    g.f1(), threeDigits(g.auc()), threeDigits(g.averagePrecision()), g.support()));
        }
        return sb.toString();
    }

    private static String threeDigits(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** The model and both baselines on the same examples; the prior comes from the training labels. */
    public static String withBaselines(String modelName, MetricsReport model, boolean[][] trainLabels, boolean[][] truth,
                                       List<String> genres) {
        return withBaselines(List.of(modelName), List.of(model), trainLabels, truth, genres);
    }

    /** The model decided at 0.5 and at a threshold tuned on the validation split, then both baselines. */
    public static String atHalfAndTuned(MetricsReport atHalf, MetricsReport atTuned, Threshold.Tuned tuned, boolean[][] trainLabels,
                                        boolean[][] truth, List<String> genres) {
        return withBaselines(List.of("model, threshold 0.50", "model, threshold " + tuned.label()),
                List.of(atHalf, atTuned), trainLabels, truth, genres);
    }

    /** Several model rows (e.g. one per decision threshold), then both baselines. */
    public static String withBaselines(List<String> modelNames, List<MetricsReport> models, boolean[][] trainLabels,
                                       boolean[][] truth, List<String> genres) {
        double[] prior = Baselines.prior(trainLabels, genres.size());
        int k = Baselines.typicalLabelCount(trainLabels);
        List<String> top = java.util.Arrays.stream(Baselines.topK(prior, k)).mapToObj(genres::get).toList();
        List<String> names = new ArrayList<>(modelNames);
        names.add("predict nothing");
        names.add("always {" + String.join(", ", top) + "}");
        List<MetricsReport> reports = new ArrayList<>(models);
        reports.add(Baselines.predictNothing(truth, genres));
        reports.add(Baselines.mostFrequent(prior, k, truth, genres));
        return compare(names, reports);
    }
}
