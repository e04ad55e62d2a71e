package org.marquee.spark;

import java.util.Arrays;
import java.util.function.Function;
import org.marquee.dataset.GenreVocabulary;
import org.marquee.dataset.PosterDataset;

/**
 * The posters a cluster holds, as this machine sees them: their ids and labels, in the data set's
 * order; their pixels stay on the executors. {@link #fillBatch} fetches the few posters a report
 * asks for from the cluster (a Spark job per call: fine for a handful, wrong for a training loop,
 * which runs on the cluster instead).
 */
final class RemotePosters implements PosterDataset, org.marquee.app.data.LeftOutPosters {
    private final int imageSize;
    private final GenreVocabulary genres;
    private final long[] ids;
    private final float[][] labels;
    private final Function<int[], PosterRow[]> fetch;
    private final java.util.List<org.marquee.dataset.PosterCache.Failure> leftOut;

    RemotePosters(int imageSize, GenreVocabulary genres, long[] ids, float[][] labels, Function<int[], PosterRow[]> fetch) {
        this(imageSize, genres, ids, labels, fetch, java.util.List.of());
    }

    RemotePosters(int imageSize, GenreVocabulary genres, long[] ids, float[][] labels, Function<int[], PosterRow[]> fetch,
            java.util.List<org.marquee.dataset.PosterCache.Failure> leftOut) {
        this.leftOut = java.util.List.copyOf(leftOut);
        if (ids.length != labels.length) throw new IllegalArgumentException(ids.length + " ids but " + labels.length + " labels");
        this.imageSize = imageSize;
        this.genres = genres;
        this.ids = ids.clone();
        this.labels = labels;
        this.fetch = fetch;
    }

    @Override public int size() { return ids.length; }
    /** The catalogue's posters the executors could not read or decode, each with its reason. */
    @Override public java.util.List<org.marquee.dataset.PosterCache.Failure> leftOut() { return leftOut; }
    @Override public int imageSize() { return imageSize; }
    @Override public GenreVocabulary genres() { return genres; }
    @Override public long id(int index) { return ids[index]; }
    @Override public long[] ids() { return ids.clone(); }

    float[] labels(int index) { return labels[index]; }

    @Override
    public void fillBatch(int[] indices, float[] pixels, float[] labelsOut) {
        PosterRow[] rows = fetch.apply(Arrays.stream(indices).distinct().toArray());
        int per = pixelsPerImage();
        for (int i = 0; i < indices.length; i++) {
            PosterRow row = null;
            for (PosterRow r : rows) if (r.index() == indices[i]) row = r;
            if (row == null) throw new IllegalStateException("poster " + indices[i] + " (id " + ids[indices[i]] + ") is not on the cluster");
            row.pixels(pixels, i * per);
        }
        fillLabels(indices, labelsOut);
    }

    @Override
    public void fillLabels(int[] indices, float[] out) {
        int g = genres.size();
        for (int i = 0; i < indices.length; i++) System.arraycopy(labels[indices[i]], 0, out, i * g, g);
    }
}
