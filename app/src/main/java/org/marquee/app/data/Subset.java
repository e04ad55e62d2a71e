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

    @Override public int size() { return positions.length; }
    @Override public int imageSize() { return base.imageSize(); }
    @Override public GenreVocabulary genres() { return base.genres(); }
    @Override public long id(int index) { return base.id(positions[index]); }

    @Override
    public void fillBatch(int[] indices, float[] pixels, float[] labels) {
        int[] mapped = new int[indices.length];
        for (int i = 0; i < indices.length; i++) mapped[i] = positions[indices[i]];
        base.fillBatch(mapped, pixels, labels);
    }

    /** Every example's labels (N, G) as booleans, read in batches. */
    public static boolean[][] labels(PosterDataset data) {
        int n = data.size(), g = data.genres().size(), chunk = 64;
        boolean[][] truth = new boolean[n][g];
        float[] pixels = new float[chunk * data.pixelsPerImage()];
        float[] labels = new float[chunk * g];
        for (int from = 0; from < n; from += chunk) {
            int count = Math.min(chunk, n - from);
            int[] idx = new int[count];
            for (int i = 0; i < count; i++) idx[i] = from + i;
            data.fillBatch(idx, pixels, labels);
            for (int i = 0; i < count; i++) for (int j = 0; j < g; j++) truth[from + i][j] = labels[i * g + j] > 0.5f;
        }
        return truth;
    }
}
