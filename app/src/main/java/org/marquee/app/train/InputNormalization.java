package org.marquee.app.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.NamedArray;
import org.marquee.dataset.PosterDataset;

/**
 * Per-channel input normalization ({@code train --normalize}): every pixel value x of channel c
 * becomes (x - mean[c]) / std[c], with the mean and the (population) standard deviation of that
 * channel over every pixel of every training poster, computed once when a run starts
 * ({@link #of(PosterDataset)}, in double). A checkpoint carries them as the arrays
 * {@value #MEAN} and {@value #STD}, so validation, evaluate, predict and explain feed the model
 * what it was trained on. Posters are (C, H, W) with C = {@code mean.length} channels.
 */
public record InputNormalization(double[] mean, double[] std) implements java.io.Serializable {
    public static final String MEAN = "input-mean", STD = "input-std";

    public InputNormalization {
        mean = mean.clone();
        std = std.clone();
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalization needs one mean and one standard deviation per channel: "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c]) || !(std[c] > 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("channel " + c + ": mean " + mean[c] + ", standard deviation " + std[c]
                        + " (the deviation must be positive)");
            }
        }
    }

    @Override public double[] mean() { return mean.clone(); }
    @Override public double[] std() { return std.clone(); }

    public int channels() { return mean.length; }

    /** Normalizes one poster (C, H, W) in place. */
    public void apply(float[] chw) {
        apply(chw, 0, chw.length);
    }

    /** Normalizes the poster of {@code length} values (C, H, W) starting at {@code offset}, in place. */
    public void apply(float[] pixels, int offset, int length) {
        int plane = plane(length);
        for (int c = 0; c < mean.length; c++) {
            float m = (float) mean[c], inv = (float) (1 / std[c]);
            for (int i = offset + c * plane, end = i + plane; i < end; i++) pixels[i] = (pixels[i] - m) * inv;
        }
    }

    /** Normalizes one poster (C, H, W) held in doubles, in place. */
    public void apply(double[] chw) {
        int plane = plane(chw.length);
        for (int c = 0; c < mean.length; c++) {
            for (int i = c * plane, end = i + plane; i < end; i++) chw[i] = (chw[i] - mean[c]) / std[c];
        }
    }

    private int plane(int length) {
        if (length % mean.length != 0) throw new IllegalArgumentException(length + " values are not " + mean.length + " equal channels");
        return length / mean.length;
    }

    /**
     * The mean and standard deviation of each of the 3 channels over every pixel of {@code train}:
     * per poster and channel the sum and the sum of squares in double, added up over the posters,
     * then std = sqrt(E[x^2] - mean^2). A channel that never varies gets a deviation of 1.
     */
    public static InputNormalization of(PosterDataset train) {
        int n = train.size(), per = train.pixelsPerImage(), channels = 3, plane = per / channels;
        if (n < 1) throw new IllegalArgumentException("no training posters to normalize by");
        double[] sum = new double[channels], squares = new double[channels];
        int chunk = Math.max(1, Math.min(n, (1 << 22) / per));
        float[] pixels = new float[chunk * per];
        float[] labels = new float[chunk * train.genres().size()];
        for (int from = 0; from < n; from += chunk) {
            int count = Math.min(chunk, n - from);
            int[] idx = new int[count];
            for (int i = 0; i < count; i++) idx[i] = from + i;
            float[] px = count == chunk ? pixels : new float[count * per];
            float[] lb = count == chunk ? labels : new float[count * train.genres().size()];
            train.fillBatch(idx, px, lb);
            for (int i = 0; i < count; i++) add(channelSums(px, i * per, per), sum, squares);
        }
        return fromSums(sum, squares, (double) n * plane);
    }

    /**
     * One poster's share of {@link #of}: for each of its 3 channels the sum and the sum of squares
     * of its values in double, as {s0, q0, s1, q1, s2, q2}. A cluster computes these where the
     * posters are and adds them up with {@link #ofChannelSums} in the training order, which gives
     * exactly what {@link #of} gives.
     */
    public static double[] channelSums(float[] pixels, int offset, int per) {
        int channels = 3, plane = per / channels;
        double[] out = new double[2 * channels];
        for (int c = 0; c < channels; c++) {
            double s = 0, q = 0;
            for (int k = offset + c * plane, end = k + plane; k < end; k++) {
                double x = pixels[k];
                s += x;
                q += x * x;
            }
            out[2 * c] = s;
            out[2 * c + 1] = q;
        }
        return out;
    }

    /** The statistics of posters whose {@link #channelSums} are {@code perPoster}, in order, each of {@code plane} pixels a channel. */
    public static InputNormalization ofChannelSums(double[][] perPoster, int plane) {
        if (perPoster.length < 1) throw new IllegalArgumentException("no training posters to normalize by");
        double[] sum = new double[3], squares = new double[3];
        for (double[] p : perPoster) add(p, sum, squares);
        return fromSums(sum, squares, (double) perPoster.length * plane);
    }

    private static void add(double[] poster, double[] sum, double[] squares) {
        for (int c = 0; c < sum.length; c++) {
            sum[c] += poster[2 * c];
            squares[c] += poster[2 * c + 1];
        }
    }

    private static InputNormalization fromSums(double[] sum, double[] squares, double count) {
        int channels = sum.length;
        double[] mean = new double[channels], std = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / count;
            double var = Math.max(0, squares[c] / count - mean[c] * mean[c]);
            std[c] = var > 0 ? Math.sqrt(var) : 1;
        }
        return new InputNormalization(mean, std);
    }

    /** The statistics as a checkpoint stores them (float64). */
    public List<NamedArray> toArrays() {
        return List.of(new NamedArray(MEAN, Checkpoint.Precision.FLOAT64, mean.clone()),
                new NamedArray(STD, Checkpoint.Precision.FLOAT64, std.clone()));
    }

    /** The statistics a checkpoint stores, if it stores them. */
    public static Optional<InputNormalization> from(Checkpoint c) {
        var m = c.extra(MEAN);
        var s = c.extra(STD);
        if (m.isEmpty() && s.isEmpty()) return Optional.empty();
        if (m.isEmpty() || s.isEmpty()) throw new IllegalArgumentException("the checkpoint holds only one of " + MEAN + " and " + STD);
        if (m.get().values().length != c.model().channels()) {
            throw new IllegalArgumentException(MEAN + " holds " + m.get().values().length + " values for " + c.model().channels() + " channels");
        }
        return Optional.of(new InputNormalization(m.get().values(), s.get().values()));
    }

    /** e.g. "mean 0.412 0.380 0.351, std 0.301 0.289 0.290". */
    public String describe() {
        StringBuilder sb = new StringBuilder("mean");
        for (double v : mean) sb.append(String.format(Locale.ROOT, " %.3f", v));
        sb.append(", std");
        for (double v : std) sb.append(String.format(Locale.ROOT, " %.3f", v));
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputNormalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std); }

    @Override
    public String toString() { return "InputNormalization[" + describe() + "]"; }
}
