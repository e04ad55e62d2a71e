package org.marquee.app.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.NamedArray;

/**
 * How the model's probabilities become a poster's genres. The rule: rank the genres by
 * probability; the top {@code min} (1) are always decided; every other genre is decided when its
 * probability is at least its own threshold, taking them in rank order, until {@code max} (3, the
 * most genres any movie of the data has) are decided. A poster thus always gets at least one genre
 * and never more than three.
 *
 * <p>{@link #tune} chooses the thresholds on the validation split, never on the test split: first
 * one global threshold for every genre, the candidate of 0.01, 0.02, ..., 0.99 that gives the whole
 * rule the highest micro-F1 (ties go to the higher one, as in {@link Threshold#tune}); then, for
 * each genre with at least {@value #MIN_POSITIVES} positive validation posters, its own threshold,
 * by coordinate ascent: one genre at a time, holding the others fixed, the candidate that raises
 * the rule's micro-F1 the most (a change is kept only when it strictly raises it, so the result is
 * never worse on the validation split than the global threshold alone), over {@value #PASSES}
 * passes. Genres with fewer positives keep the global threshold: their own would fit the noise of
 * a handful of posters.
 *
 * <p>A checkpoint stores the rule as two extra arrays: {@value #THRESHOLDS} (one threshold per
 * genre, float64) and {@value #LIMITS} ({@code [min, max]}).
 *
 * @param thresholds one threshold per genre, each in (0, 1)
 * @param min        genres always decided (the top-ranked ones), at least 0
 * @param max        most genres decided, at least {@code min} and 1
 */
public record DecisionRule(double[] thresholds, int min, int max) {
    /** The rule's limits: always the top genre, at most three. */
    public static final int MIN_GENRES = 1, MAX_GENRES = 3;
    /** Validation positives a genre needs before it gets a threshold of its own. */
    public static final int MIN_POSITIVES = 30;
    /** Coordinate-ascent passes over the genres. */
    public static final int PASSES = 2;
    /** Names of the checkpoint arrays holding the rule. */
    public static final String THRESHOLDS = "decision-thresholds", LIMITS = "decision-limits";

    public DecisionRule {
        thresholds = thresholds.clone();
        if (thresholds.length == 0) throw new IllegalArgumentException("a decision rule needs at least one genre");
        for (double t : thresholds) {
            if (!(t > 0 && t < 1)) throw new IllegalArgumentException("decision thresholds must lie in (0, 1): " + t);
        }
        if (min < 0 || max < 1 || max < min) throw new IllegalArgumentException("decision limits must be 0 <= min <= max, max >= 1: " + min + ", " + max);
    }

    /** One threshold for all {@code genres} genres, with the default limits. */
    public static DecisionRule global(int genres, double threshold) {
        double[] t = new double[genres];
        Arrays.fill(t, threshold);
        return new DecisionRule(t, MIN_GENRES, MAX_GENRES);
    }

    @Override public double[] thresholds() { return thresholds.clone(); }

    public int genres() { return thresholds.length; }

    /** The genres decided for one poster's probabilities. */
    public boolean[] decide(double[] probabilities) {
        return decide(probabilities, rank(probabilities));
    }

    /** The decisions for every row of {@code probabilities}. */
    public boolean[][] decide(double[][] probabilities) {
        boolean[][] d = new boolean[probabilities.length][];
        for (int i = 0; i < probabilities.length; i++) d[i] = decide(probabilities[i]);
        return d;
    }

    /** The decisions for one row, given its genres ranked by probability (highest first). */
    private boolean[] decide(double[] p, int[] ranked) {
        if (p.length != thresholds.length) {
            throw new IllegalArgumentException(p.length + " probabilities for a rule over " + thresholds.length + " genres");
        }
        boolean[] d = new boolean[p.length];
        int count = 0;
        for (int r = 0; r < ranked.length && count < max; r++) {
            int j = ranked[r];
            if (r < min || p[j] >= thresholds[j]) {
                d[j] = true;
                count++;
            }
        }
        return d;
    }

    /** Genre indices by probability, highest first; equal probabilities in genre order. */
    static int[] rank(double[] p) {
        return java.util.stream.IntStream.range(0, p.length).boxed()
                .sorted((a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Micro-F1 of this rule's decisions on ({@code scores}, {@code truth}). */
    public double microF1(double[][] scores, boolean[][] truth) {
        return microF1(scores, ranks(scores), truth);
    }

    private double microF1(double[][] scores, int[][] ranked, boolean[][] truth) {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean[] d = decide(scores[i], ranked[i]);
            for (int j = 0; j < d.length; j++) {
                if (d[j] && truth[i][j]) tp++;
                else if (d[j]) fp++;
                else if (truth[i][j]) fn++;
            }
        }
        long den = 2 * tp + fp + fn;
        return den == 0 ? 0 : 2.0 * tp / den;
    }

    private static int[][] ranks(double[][] scores) {
        int[][] r = new int[scores.length][];
        for (int i = 0; i < scores.length; i++) r[i] = rank(scores[i]);
        return r;
    }

    /** The rule with the default limits tuned on the validation split's ({@code scores}, {@code truth}), as the class doc says. */
    public static DecisionRule tune(double[][] scores, boolean[][] truth) {
        return tune(scores, truth, MIN_GENRES, MAX_GENRES, MIN_POSITIVES, PASSES);
    }

    /** Global-only when {@code passes} is 0. */
    static DecisionRule tune(double[][] scores, boolean[][] truth, int min, int max, int minPositives, int passes) {
        if (scores.length != truth.length) throw new IllegalArgumentException(scores.length + " score rows for " + truth.length + " label rows");
        if (scores.length == 0) throw new IllegalArgumentException("cannot tune a decision rule on an empty split");
        int g = scores[0].length;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length != g || truth[i].length != g) throw new IllegalArgumentException("row " + i + " has another number of genres");
        }
        int[][] ranked = ranks(scores);
        double bestGlobal = 0.5, bestF1 = -1;
        for (int s = Threshold.STEPS; s >= 1; s--) {
            double t = s / 100.0;
            double f1 = uniform(g, t, min, max).microF1(scores, ranked, truth);
            if (f1 > bestF1) {
                bestF1 = f1;
                bestGlobal = t;
            }
        }
        double[] thresholds = new double[g];
        Arrays.fill(thresholds, bestGlobal);
        int[] positives = new int[g];
        for (boolean[] row : truth) for (int j = 0; j < g; j++) if (row[j]) positives[j]++;
        for (int pass = 0; pass < passes; pass++) {
            boolean changed = false;
            for (int j = 0; j < g; j++) {
                if (positives[j] < minPositives) continue;
                double keep = thresholds[j];
                for (int s = Threshold.STEPS; s >= 1; s--) {
                    thresholds[j] = s / 100.0;
                    double f1 = new DecisionRule(thresholds, min, max).microF1(scores, ranked, truth);
                    if (f1 > bestF1) {
                        bestF1 = f1;
                        keep = thresholds[j];
                        changed = true;
                    }
                }
                thresholds[j] = keep;
            }
            if (!changed) break;
        }
        return new DecisionRule(thresholds, min, max);
    }

    private static DecisionRule uniform(int genres, double t, int min, int max) {
        double[] a = new double[genres];
        Arrays.fill(a, t);
        return new DecisionRule(a, min, max);
    }

    /** The metrics of this rule's decisions. */
    public MetricsReport metrics(double[][] scores, boolean[][] truth, List<String> genres) {
        return MultiLabelMetrics.evaluate(scores, decide(scores), truth, genres);
    }

    /** The rule as a checkpoint stores it. */
    public List<NamedArray> toArrays() {
        return List.of(new NamedArray(THRESHOLDS, Checkpoint.Precision.FLOAT64, thresholds.clone()),
                new NamedArray(LIMITS, Checkpoint.Precision.FLOAT64, new double[] {min, max}));
    }

    /** The rule a checkpoint stores, if it stores one. */
    public static Optional<DecisionRule> from(Checkpoint c) {
        Optional<NamedArray> t = c.extra(THRESHOLDS), l = c.extra(LIMITS);
        if (t.isEmpty() || l.isEmpty()) return Optional.empty();
        double[] limits = l.get().values();
        if (limits.length != 2 || limits[0] != Math.rint(limits[0]) || limits[1] != Math.rint(limits[1])) {
            throw new IllegalArgumentException(LIMITS + " must hold two whole numbers, not " + Arrays.toString(limits));
        }
        if (t.get().values().length != c.genres().size()) {
            throw new IllegalArgumentException(THRESHOLDS + " holds " + t.get().values().length + " values for " + c.genres().size() + " genres");
        }
        return Optional.of(new DecisionRule(t.get().values(), (int) limits[0], (int) limits[1]));
    }

    /** The checkpoint with this rule stored in it (replacing any rule it held). */
    public Checkpoint storeIn(Checkpoint c) {
        var extras = new java.util.ArrayList<NamedArray>();
        for (NamedArray a : c.extras()) if (!a.name().equals(THRESHOLDS) && !a.name().equals(LIMITS)) extras.add(a);
        extras.addAll(toArrays());
        return c.with(c.run(), extras);
    }

    /** One line for people: the limits, the global threshold and the genres with their own. */
    public String describe(List<String> genres) {
        double global = mostCommon();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "top %d genre%s always, others at probability >= %s, at most %d",
                min, min == 1 ? "" : "s", Threshold.label(global), max));
        StringBuilder own = new StringBuilder();
        for (int j = 0; j < thresholds.length; j++) {
            if (thresholds[j] != global) own.append(own.isEmpty() ? "" : ", ").append(genres.get(j)).append(' ').append(Threshold.label(thresholds[j]));
        }
        if (!own.isEmpty()) sb.append("; own thresholds: ").append(own);
        return sb.toString();
    }

    /** The threshold most genres share (the global one after {@link #tune}). */
    double mostCommon() {
        double best = thresholds[0];
        int bestCount = 0;
        for (double t : thresholds) {
            int c = 0;
            for (double u : thresholds) if (u == t) c++;
            if (c > bestCount) { bestCount = c; best = t; }
        }
        return best;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecisionRule r && Arrays.equals(thresholds, r.thresholds) && min == r.min && max == r.max;
    }

    @Override
    public int hashCode() { return Arrays.hashCode(thresholds) * 31 + min * 7 + max; }

    @Override
    public String toString() { return "DecisionRule" + Arrays.toString(thresholds) + " [" + min + ", " + max + "]"; }
}
