package org.marquee.app.cluster;

/**
 * Which posters a cluster reads, from the data options: {@code data} is MovieGenre.csv or its
 * folder as any URI the cluster reads (null: synthetic posters), {@code posters} the posters'
 * folder (null: posters/ beside the CSV).
 */
public record DataRequest(String data, String posters, int limit, int synthetic, long splitSeed, boolean genresFromData) {
    public DataRequest {
        if (limit < 0) throw new IllegalArgumentException("limit must be at least 0: " + limit);
        if (synthetic < 5) throw new IllegalArgumentException("at least 5 synthetic posters are needed: " + synthetic);
    }

    public boolean real() { return data != null; }
}
