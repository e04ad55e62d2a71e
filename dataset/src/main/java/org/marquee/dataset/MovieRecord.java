package org.marquee.dataset;

import java.util.List;

/**
 * One kept row of MovieGenre.csv.
 *
 * @param imdbId numeric IMDb id (the file name of its poster is {@code <imdbId>.jpg})
 * @param title the title as written in the file, year included
 * @param year the release year parsed from the title's "(YYYY)"
 * @param score IMDb score, or null when the row has none (most rows)
 * @param genres 1 or more genre names in file order, no duplicates
 * @param posterUrl the poster URL, or null when the row has none (most rows)
 */
public record MovieRecord(long imdbId, String title, int year, Double score, List<String> genres, String posterUrl) {
    public MovieRecord {
        if (imdbId <= 0) {
            throw new IllegalArgumentException("imdbId must be positive: " + imdbId);
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("title must not be blank (imdbId " + imdbId + ")");
        }
        if (genres == null || genres.isEmpty()) {
            throw new IllegalArgumentException("a movie needs at least one genre (imdbId " + imdbId + ")");
        }
        genres = List.copyOf(genres);
        if (genres.stream().distinct().count() != genres.size()) {
            throw new IllegalArgumentException("duplicate genre in " + genres + " (imdbId " + imdbId + ")");
        }
        if (posterUrl != null && posterUrl.isBlank()) {
            posterUrl = null;
        }
    }

    /** The poster's file name: the numeric id alone, so no text from the file reaches the path. */
    public String posterFileName() {
        return imdbId + ".jpg";
    }
}
