package org.marquee.dataset;

/**
 * Labelled posters addressed by index 0..size()-1: the real data (from a {@link PosterCache})
 * and {@link SyntheticPosters} both implement it, so training code does not care which it has.
 * Batches are plain float arrays; uploading them to a backend is the caller's job.
 */
public interface PosterDataset {
    /** Number of posters. */
    int size();

    /** Height and width of every image (they are square). */
    int imageSize();

    /** Values per image: 3 * imageSize * imageSize, laid out (3, H, W). */
    default int pixelsPerImage() {
        return 3 * imageSize() * imageSize();
    }

    /** The label names; labels have genres().size() values per poster. */
    GenreVocabulary genres();

    /** The poster's imdbId (or, for synthetic posters, its index). */
    long id(int index);

    /** Every poster's id, in index order: the input of {@link Splits#of(long[], long)}. */
    default long[] ids() {
        long[] ids = new long[size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = id(i);
        }
        return ids;
    }

    /**
     * Fills pixels (N, 3, H, W) with values in [0, 1] and labels (N, G) with 0/1, N = indices.length.
     * Safe to call from several threads at once with different output arrays.
     */
    void fillBatch(int[] indices, float[] pixels, float[] labels);

    /**
     * Fills labels (N, G) with 0/1 for the given posters, without their pixels. The default fills
     * whole batches; a data set that holds labels apart from images answers without decoding any.
     */
    default void fillLabels(int[] indices, float[] labels) {
        int g = genres().size(), chunk = Math.min(64, indices.length);
        float[] pixels = new float[chunk * pixelsPerImage()];
        float[] part = new float[chunk * g];
        for (int from = 0; from < indices.length; from += chunk) {
            int count = Math.min(chunk, indices.length - from);
            fillBatch(java.util.Arrays.copyOfRange(indices, from, from + count), pixels, part);
            System.arraycopy(part, 0, labels, from * g, count * g);
        }
    }
}
