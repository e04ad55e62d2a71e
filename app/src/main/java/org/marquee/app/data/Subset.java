package org.marquee.app.data;

import org.marquee.dataset.GenreVocabulary;
import org.marquee.dataset.PosterDataset;

/** Some posters of a data set, by position: one split (train, validation or test) of a cache. */
public final class Subset implements PosterDataset {
    private final PosterDataset base;
    private final int[] positions;

    public Subset(PosterDataset base, int[] positions) {
        for (int p : positions) {
            if (p < 0 || p >= base.size()) throw new IndexOutOfBoundsException("position " + p + " not in 0.." + (base.size() - 1));
        }
        this.base = base;
        this.positions = positions.clone();
    }

    /** The data set these posters are part of. */
    public PosterDataset base() { return base; }

    /** Each poster's position in {@link #base()}, in this subset's order. */
    public int[] positions() { return positions.clone(); }

    @Override public int size() { return positions.length; }
    @Override public int imageSize() { return base.imageSize(); }
    @Override public GenreVocabulary genres() { return base.genres(); }
    @Override public long id(int index) { return base.id(positions[index]); }

    @Override
    public void fillBatch(int[] indices, float[] pixels, float[] labels) {
        base.fillBatch(mapped(indices), pixels, labels);
    }

    @Override
    public void fillLabels(int[] indices, float[] labels) {
        base.fillLabels(mapped(indices), labels);
    }

    private int[] mapped(int[] indices) {
        int[] mapped = new int[indices.length];
        for (int i = 0; i < indices.length; i++) mapped[i] = positions[indices[i]];
        return mapped;
    }

    /** Every example's labels (N, G) as booleans, without decoding any image where the data set allows. */
    public static boolean[][] labels(PosterDataset data) {
        int n = data.size(), g = data.genres().size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        float[] labels = new float[n * g];
        data.fillLabels(all, labels);
        boolean[][] truth = new boolean[n][g];
        for (int i = 0; i < n; i++) for (int j = 0; j < g; j++) truth[i][j] = labels[i * g + j] > 0.5f;
        return truth;
    }
}
