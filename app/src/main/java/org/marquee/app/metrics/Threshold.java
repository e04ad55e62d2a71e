package org.marquee.app.metrics;

import java.util.Locale;

/**
 * The decision threshold that turns probabilities into genre labels. The metrics use 0.5;
 * a network trained with binary cross-entropy on sparse labels often ranks genres well but rarely
 * gives one a probability above 0.5, so it also helps to choose one global threshold on the
 * validation split (the one with the highest micro-F1 there) and then apply it, unchanged, to the
 * test split. The test split never influences the choice.
 *
 * <p>A threshold says where it came from: {@link Fixed} was given (0.5 unless the user chose
 * another), {@link Tuned} was chosen on the validation split by {@link #tune}; reports show a tuned
 * one beside 0.5. What the command line asks for is a {@link Request}: a fixed value, or
 * {@link TuneOnValidation}.
 */
public sealed interface Threshold permits Threshold.Fixed, Threshold.Tuned {
    /** The candidates {@link #tune} tries: 0.01, 0.02, ..., 0.99. */
    int STEPS = 99;

    /** Decide a genre when its probability is at least this, in (0, 1). */
    double value();

    /** The value as reports print it, e.g. "0.44". */
    default String label() { return label(value()); }

    /** A threshold given as a number. */
    record Fixed(double value) implements Threshold, Request {
        public Fixed { requireInside(value); }
    }

    /** A threshold chosen on the validation split by {@link #tune}. */
    record Tuned(double value) implements Threshold {
        public Tuned { requireInside(value); }
    }

    /** What the {@code --threshold} option asks for. */
    sealed interface Request permits Fixed, TuneOnValidation {}

    /** The request for a threshold tuned on the validation split ({@code --threshold tuned}). */
    record TuneOnValidation() implements Request {}

    /** The candidate threshold with the highest micro-F1 on ({@code scores}, {@code truth}); ties go to the higher one. */
    static Tuned tune(double[][] scores, boolean[][] truth) {
        if (scores.length != truth.length) {
            throw new IllegalArgumentException(scores.length + " score rows for " + truth.length + " label rows");
        }
        if (scores.length == 0) throw new IllegalArgumentException("cannot choose a threshold on an empty split");
        // Counting once per candidate keeps it plain: 99 passes over N x L cells.
        double best = 0.5, bestF1 = -1;
        for (int s = STEPS; s >= 1; s--) {
            double t = s / 100.0;
            double f1 = microF1(scores, truth, t);
            if (f1 > bestF1) {
                bestF1 = f1;
                best = t;
            }
        }
        return new Tuned(best);
    }

    /** Micro-F1 of the decisions {@code score >= threshold}. */
    static double microF1(double[][] scores, boolean[][] truth, double threshold) {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length != truth[i].length) {
                throw new IllegalArgumentException("row " + i + ": " + scores[i].length + " scores for " + truth[i].length + " labels");
            }
            for (int j = 0; j < scores[i].length; j++) {
                boolean d = scores[i][j] >= threshold, t = truth[i][j];
                if (d && t) tp++;
                else if (d) fp++;
                else if (t) fn++;
            }
        }
        long den = 2 * tp + fp + fn;
        return den == 0 ? 0 : 2.0 * tp / den;
    }

    /** Parses a command-line value: a number in (0, 1) asks for that {@link Fixed} threshold, "tuned" for {@link TuneOnValidation}. */
    static Request parse(String text) {
        if ("tuned".equalsIgnoreCase(text.trim())) return new TuneOnValidation();
        double t;
        try {
            t = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threshold must be a number between 0 and 1, or 'tuned': '" + text + "'");
        }
        if (!(t > 0 && t < 1)) throw new IllegalArgumentException("threshold must be between 0 and 1 (exclusive): " + text);
        return new Fixed(t);
    }

    static String label(double threshold) {
        return String.format(Locale.ROOT, "%.2f", threshold);
    }

    private static void requireInside(double value) {
        if (!(value > 0 && value < 1)) throw new IllegalArgumentException("threshold must be between 0 and 1 (exclusive): " + value);
    }
}
