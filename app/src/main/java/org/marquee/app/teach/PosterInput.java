package org.marquee.app.teach;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.marquee.dataset.PosterException;
import org.marquee.dataset.PosterImages;
import org.marquee.dataset.SyntheticPosters;

/**
 * One poster to show the model: pixels (3, S, S) in [0, 1] and, for a synthetic poster, the names of
 * its true genres (null for a file, whose genres are unknown here).
 */
public record PosterInput(String description, double[] pixels, List<String> genres) {
    public PosterInput {
        if (pixels == null || pixels.length == 0) throw new IllegalArgumentException(description + ": no pixels");
        pixels = pixels.clone();
        genres = genres == null ? null : List.copyOf(genres);
    }

    @Override public double[] pixels() { return pixels.clone(); }

    /** Multi-hot targets in the order of {@code vocabulary}, or null when the genres are unknown. */
    public double[] labels(List<String> vocabulary) {
        if (genres == null) return null;
        double[] t = new double[vocabulary.size()];
        for (String g : genres) {
            int i = vocabulary.indexOf(g);
            if (i < 0) throw new IllegalArgumentException(description + ": genre " + g + " is not among the model's " + vocabulary);
            t[i] = 1;
        }
        return t;
    }

    /** A JPEG or PNG file, stretched to size x size as the data set loader does. */
    public static PosterInput file(Path file, int size) throws PosterException {
        return new PosterInput(file.toString(), toDoubles(new PosterImages(size).load(file)), null);
    }

    /** Poster {@code index} of the built-in synthetic set drawn with {@code seed}. */
    public static PosterInput synthetic(int index, int size, long seed) {
        if (index < 0) throw new IllegalArgumentException("synthetic poster index must be >= 0: " + index);
        SyntheticPosters posters = new SyntheticPosters(index + 1, size, seed);
        List<String> genres = new ArrayList<>();
        for (int g : posters.genreIndices(index)) genres.add(SyntheticPosters.GENRES.get(g));
        return new PosterInput("synthetic poster " + index + " (seed " + seed + ", " + size + "x" + size + ", genres "
                + String.join("|", genres) + ")", toDoubles(posters.image(index)), genres);
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
