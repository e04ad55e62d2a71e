package org.marquee.app.teach;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.marquee.engine.Losses;

/** The model's output for one poster in words: the loss against its genres (when known) and the top genres. */
final class Predictions {
    private Predictions() {}

    /** Mean sigmoid cross-entropy of {@code logits} against {@code labels} ({@link Losses#binaryCrossEntropy}). */
    static double loss(double[] logits, double[] labels) {
        if (logits.length != labels.length) {
            throw new IllegalArgumentException(logits.length + " logits but " + labels.length + " labels");
        }
        double total = 0;
        for (int i = 0; i < logits.length; i++) total += Losses.binaryCrossEntropy(logits[i], labels[i]);
        return total / logits.length;
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    static String describe(double[] logits, double[] labels, List<String> genres, int top) {
        if (logits.length != genres.size()) {
            throw new IllegalArgumentException(logits.length + " outputs but " + genres.size() + " genre names");
        }
        StringBuilder sb = new StringBuilder();
        double lo = IntStream.range(0, logits.length).mapToDouble(i -> logits[i]).min().orElse(0);
        double hi = IntStream.range(0, logits.length).mapToDouble(i -> logits[i]).max().orElse(0);
        sb.append(String.format(Locale.ROOT, "logits in [%.4f, %.4f]", lo, hi));
        if (labels != null) {
            sb.append(String.format(Locale.ROOT, "; loss against its genres %.4f (ln 2 = %.4f)", loss(logits, labels), Math.log(2)));
        }
        sb.append('\n').append("top ").append(top).append(" genres:");
        IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]))
                .limit(top)
                .forEach(i -> sb.append(String.format(Locale.ROOT, " %s %.3f%s", genres.get(i), sigmoid(logits[i]),
                        labels != null && labels[i] == 1 ? "*" : "")));
        sb.append('\n');
        if (labels != null) sb.append("(* = one of the poster's genres)\n");
        return sb.toString();
    }
}
