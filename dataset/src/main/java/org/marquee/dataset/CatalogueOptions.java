package org.marquee.dataset;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * How MovieGenre.csv is read.
 *
 * @param charset the file's encoding; the Kaggle file is single-byte ISO-8859-1 (it is not valid UTF-8)
 * @param minYear movies released before this year are dropped (the seed kept 2000 onwards)
 * @param genresFromData false (the default): the vocabulary is {@link GenreVocabulary#STANDARD} and a row with
 *                       any other genre is skipped as malformed, with its line; true: every genre of the kept
 *                       movies is a label, so the data decides the model's outputs
 */
public record CatalogueOptions(Charset charset, int minYear, boolean genresFromData) {
    public static final int DEFAULT_MIN_YEAR = 2000;

    public CatalogueOptions(Charset charset, int minYear) {
        this(charset, minYear, false);
    }

    public CatalogueOptions {
        if (charset == null) {
            throw new IllegalArgumentException("charset must not be null");
        }
        if (minYear < 0 || minYear > 9999) {
            throw new IllegalArgumentException("minYear must be a four-digit year: " + minYear);
        }
    }

    /** ISO-8859-1, movies from 2000 on. */
    public static CatalogueOptions defaults() {
        return new CatalogueOptions(StandardCharsets.ISO_8859_1, DEFAULT_MIN_YEAR);
    }

    public CatalogueOptions withMinYear(int year) {
        return new CatalogueOptions(charset, year, genresFromData);
    }

    public CatalogueOptions withCharset(Charset newCharset) {
        return new CatalogueOptions(newCharset, minYear, genresFromData);
    }

    public CatalogueOptions withGenresFromData(boolean fromData) {
        return new CatalogueOptions(charset, minYear, fromData);
    }
}
