package org.marquee.dataset;

import java.nio.file.Path;
import java.util.List;

/** A poster to put in a cache: the movie's id, its image file and its genres. */
public record PosterSource(long imdbId, Path file, List<String> genres) {
    public PosterSource {
        if (imdbId <= 0) {
            throw new IllegalArgumentException("imdbId must be positive: " + imdbId);
        }
        if (file == null) {
            throw new IllegalArgumentException("file must not be null (imdbId " + imdbId + ")");
        }
        genres = List.copyOf(genres);
    }

    /** One source per movie: posterDir/&lt;imdbId&gt;.jpg, whether or not the file exists. */
    public static List<PosterSource> of(List<MovieRecord> movies, Path posterDir) {
        return movies.stream()
                .map(m -> new PosterSource(m.imdbId(), posterDir.resolve(m.posterFileName()), m.genres()))
                .toList();
    }
}
