package org.marquee.app.train;

import java.util.List;
import java.util.SplittableRandom;
import org.marquee.dataset.GenreVocabulary;
import org.marquee.dataset.PosterDataset;

/**
 * A small, learnable data set for tests: label j present means a bright square in region j of
 * channel j % 3, over seeded noise. Everything is a pure function of (seed, index).
 */
final class TinyPosters implements PosterDataset {
    private final int n, size;
    private final long seed;
    private final GenreVocabulary genres;

    TinyPosters(int n, int size, int labels, long seed) {
        this.n = n;
        this.size = size;
        this.seed = seed;
        this.genres = new GenreVocabulary(List.of("Action", "Comedy", "Drama", "Horror").subList(0, labels));
    }

    @Override public int size() { return n; }
    @Override public int imageSize() { return size; }
    @Override public GenreVocabulary genres() { return genres; }
    @Override public long id(int index) { return index; }

    boolean has(int index, int label) {
        return new SplittableRandom(seed * 31 + index * 7L + label).nextInt(3) == 0;
    }

    @Override
    public void fillBatch(int[] indices, float[] pixels, float[] labels) {
        int g = genres.size(), plane = size * size, half = size / 2;
        for (int b = 0; b < indices.length; b++) {
            int idx = indices[b];
            SplittableRandom rnd = new SplittableRandom(seed ^ (idx * 0x9E3779B97F4A7C15L));
            int base = b * 3 * plane;
            for (int i = 0; i < 3 * plane; i++) pixels[base + i] = (float) (0.3 * rnd.nextDouble());
            for (int j = 0; j < g; j++) {
                boolean on = has(idx, j);
                labels[b * g + j] = on ? 1f : 0f;
                if (!on) continue;
                int y0 = (j / 2) * half, x0 = (j % 2) * half, c = j % 3;
                for (int y = y0 + 2; y < y0 + half - 2; y++) {
                    for (int x = x0 + 2; x < x0 + half - 2; x++) pixels[base + c * plane + y * size + x] = 0.9f;
                }
            }
        }
    }
}
