package org.marquee.app.data;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.marquee.dataset.MovieRecord;
import org.marquee.dataset.PosterDataset;

/**
 * A data set ready for training: all posters, their train / validation / test splits, a one-line
 * description, the catalogue rows behind them (empty for synthetic posters) and what to close.
 */
public record LoadedData(PosterDataset all, Subset train, Subset validation, Subset test, String description,
                         List<MovieRecord> movies, Closeable resource) implements Closeable {
    public LoadedData {
        movies = List.copyOf(movies);
    }

    public List<String> genres() { return all.genres().names(); }

    /** The posters of the catalogue the cache could not hold, each with its reason (none for synthetic data). */
    public List<org.marquee.dataset.PosterCache.Failure> leftOut() {
        if (resource instanceof org.marquee.dataset.PosterCache c) return c.failures();
        return all instanceof LeftOutPosters l ? l.leftOut() : List.of();
    }

    @Override
    public void close() throws IOException {
        if (resource != null) resource.close();
    }
}
