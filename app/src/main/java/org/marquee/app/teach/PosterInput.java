package org.marquee.app.teach;

import java.nio.file.Path;
import org.marquee.dataset.PosterException;
import org.marquee.dataset.PosterImages;
import org.marquee.dataset.SyntheticPosters;

/**
 * One poster to show the model: pixels (3, S, S) in [0, 1] and, for a synthetic poster, its true
 * genres as 27 multi-hot labels (null for a file, whose genres are unknown here).
 */
public record PosterInput(String description, double[] pixels, double[] labels) {
    public PosterInput {
        if (pixels == null || pixels.length == 0) throw new IllegalArgumentException(description + ": no pixels");
        pixels = pixels.clone();
        labels = labels == null ? null : labels.clone();
    }

    @Override public double[] pixels() { return pixels.clone(); }
    @Override public double[] labels() { return labels == null ? null : labels.clone(); }

    /** A JPEG or PNG file, stretched to size x size as the data set loader does. */
    public static PosterInput file(Path file, int size) throws PosterException {
        return new PosterInput(file.toString(), toDoubles(new PosterImages(size).load(file)), null);
    }

    /** Poster {@code index} of the built-in synthetic set drawn with {@code seed}. */
    public static PosterInput synthetic(int index, int size, long seed) {
        if (index < 0) throw new IllegalArgumentException("synthetic poster index must be >= 0: " + index);
        SyntheticPosters posters = new SyntheticPosters(index + 1, size, seed);
        StringBuilder genres = new StringBuilder();
        for (int g : posters.genreIndices(index)) genres.append(genres.length() == 0 ? "" : "|").append(SyntheticPosters.GENRES.get(g));
        return new PosterInput("synthetic poster " + index + " (seed " + seed + ", " + size + "x" + size + ", genres " + genres + ")",
                toDoubles(posters.image(index)), toDoubles(posters.labels(index)));
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
