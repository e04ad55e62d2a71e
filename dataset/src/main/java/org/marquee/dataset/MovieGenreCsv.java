package org.marquee.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the Kaggle MovieGenre.csv (imdbId, Imdb Link, Title, IMDB Score, Genre, Poster) into
 * {@link MovieRecord}s, applying the seed's rules: year from the title's "(YYYY)", movies from a
 * minimum year on, rows without genre and repeated imdbIds dropped. Missing score or poster URL
 * is normal and kept (the score as null); a score that is not a number from 0 to 10 makes the row malformed. Genres must be among the 27 of {@link GenreVocabulary#STANDARD} unless
 * {@link CatalogueOptions#genresFromData()} asks for the data's own. A malformed row is skipped and listed in the {@link ReadReport} with its
 * line number; a wrong header, an unreadable file or a wrong encoding is an exception.
 */
public final class MovieGenreCsv {
    static final String ID = "imdbId";
    static final String TITLE = "Title";
    static final String SCORE = "IMDB Score";
    static final String GENRE = "Genre";
    static final String POSTER = "Poster";
    /** Columns this reader uses; "Imdb Link" is derivable from the id and not required. */
    static final List<String> REQUIRED_COLUMNS = List.of(ID, TITLE, SCORE, GENRE, POSTER);

    /** The last "(YYYY)" in a title: "Heat (1995)", "Alien (1979) (Director's cut)". */
    private static final Pattern YEAR = Pattern.compile("\\((\\d{4})\\)");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

    private MovieGenreCsv() {}

    /** The movies kept, the reading report and the genre vocabulary of the kept movies. */
    public record Catalogue(List<MovieRecord> movies, ReadReport report, GenreVocabulary vocabulary) {
        public Catalogue {
            movies = List.copyOf(movies);
        }
    }

    public static Catalogue read(Path csv) throws IOException {
        return read(csv, CatalogueOptions.defaults());
    }

    public static Catalogue read(Path csv, CatalogueOptions options) throws IOException {
        try {
            FileKind.requireReadable(csv, "catalogue");
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(csv.toString(), null, "MovieGenre.csv not found");
        }
        try (InputStream in = Files.newInputStream(csv)) {
            return read(csv.toString(), in, options);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(csv.toString(), null, "MovieGenre.csv not found");
        }
    }

    /**
     * Reads a catalogue from {@code in} (not closed), naming it {@code csv} in every message: for
     * a catalogue that is not a local file (Spark reads it from any file system it knows).
     */
    public static Catalogue read(String csv, InputStream in, CatalogueOptions options) throws IOException {
        CharsetDecoder decoder = options.charset().newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        ReadReport report = new ReadReport();
        List<MovieRecord> movies = new ArrayList<>();
        long lastEnd = 1;
        try (Reader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            checkHeader(csv, parser.getHeaderMap());
            Set<Long> seen = new HashSet<>();
            Iterator<CSVRecord> rows = parser.iterator();
            while (rows.hasNext()) {
                CSVRecord row = rows.next();
                long line = lastEnd + 1;
                lastEnd = parser.getCurrentLineNumber();
                report.countRead();
                MovieRecord movie = parseRow(row, line, parser.getHeaderNames().size(), options, seen, report);
                if (movie != null) {
                    movies.add(movie);
                    report.countKept();
                }
            }
        } catch (CharacterCodingException e) {
            throw encodingError(csv, options, lastEnd, e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw encodingError(csv, options, lastEnd, e.getCause());
            }
            throw new IOException(csv + " near line " + (lastEnd + 1) + ": not valid CSV: " + e.getCause().getMessage(), e);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).startsWith(csv)) throw e;   // already names the file
            throw new IOException(csv + " near line " + (lastEnd + 1) + ": not valid CSV: " + e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // commons-csv's own checks: a header with an empty or repeated name, a record it cannot split
            throw new IOException(csv + (lastEnd <= 1 ? " line 1: unusable header: " : " near line " + (lastEnd + 1) + ": not valid CSV: ")
                    + e.getMessage(), e);
        }
        return new Catalogue(movies, report, options.genresFromData() ? GenreVocabulary.of(movies) : GenreVocabulary.STANDARD);
    }

    private static IOException encodingError(String csv, CatalogueOptions options, long lastEnd, Throwable cause) {
        return new IOException(csv + " near line " + (lastEnd + 1) + ": bytes that are not valid "
                + options.charset().name() + " (the Kaggle MovieGenre.csv is single-byte ISO-8859-1)", cause);
    }

    private static void checkHeader(String csv, Map<String, Integer> header) throws IOException {
        if (header == null || header.isEmpty()) {
            throw new IOException(csv + ": empty file, expected a header with columns " + REQUIRED_COLUMNS);
        }
        List<String> missing = new ArrayList<>();
        for (String column : REQUIRED_COLUMNS) {
            if (!header.containsKey(column)) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(csv + " line 1: header lacks column(s) " + missing + "; found " + header.keySet()
                    + ", expected " + REQUIRED_COLUMNS);
        }
    }

    /** The row as a movie, or null after recording in the report why it was not kept. */
    private static MovieRecord parseRow(CSVRecord row, long line, int columns, CatalogueOptions options,
            Set<Long> seen, ReadReport report) {
        if (row.size() != columns) {
            report.drop(line, ReadReport.Reason.WRONG_FIELD_COUNT, row.size() + " fields, header has " + columns);
            return null;
        }
        String idText = row.get(ID).trim();
        if (!DIGITS.matcher(idText).matches() || Long.parseLong(idText) == 0) {
            report.drop(line, ReadReport.Reason.BAD_IMDB_ID, "imdbId \"" + idText + "\"");
            return null;
        }
        long id = Long.parseLong(idText);
        String title = row.get(TITLE).trim();
        if (title.isEmpty()) {
            report.drop(line, ReadReport.Reason.EMPTY_TITLE, "imdbId " + id);
            return null;
        }
        Integer year = yearOf(title);
        if (year == null) {
            report.drop(line, ReadReport.Reason.NO_YEAR_IN_TITLE, "\"" + title + "\"");
            return null;
        }
        String scoreText = row.get(SCORE).trim();
        Double score = null;
        if (!scoreText.isEmpty()) {
            try {
                score = Double.valueOf(scoreText);
            } catch (NumberFormatException e) {
                score = Double.NaN;
            }
            if (score.isNaN() || score < 0 || score > 10) {   // IMDb scores run from 1 to 10
                report.drop(line, ReadReport.Reason.BAD_SCORE, "\"" + scoreText + "\"");
                return null;
            }
        }
        String genreText = row.get(GENRE).trim();
        List<String> genres = new ArrayList<>();
        for (String g : genreText.isEmpty() ? new String[0] : genreText.split("\\|", -1)) {
            String name = g.trim();
            if (name.isEmpty() || genres.contains(name)) {
                report.drop(line, ReadReport.Reason.BAD_GENRE, "\"" + genreText + "\"");
                return null;
            }
            genres.add(name);
        }
        if (!options.genresFromData()) {
            for (String name : genres) {
                if (GenreVocabulary.STANDARD.indexOf(name) < 0) {
                    report.drop(line, ReadReport.Reason.UNKNOWN_GENRE, "\"" + name + "\"");
                    return null;
                }
            }
        }
        if (year < options.minYear()) {
            report.drop(line, ReadReport.Reason.BEFORE_MIN_YEAR, Integer.toString(year));
            return null;
        }
        if (genres.isEmpty()) {
            report.drop(line, ReadReport.Reason.NO_GENRE, "imdbId " + id);
            return null;
        }
        if (!seen.add(id)) {
            report.drop(line, ReadReport.Reason.DUPLICATE_ID, "imdbId " + id);
            return null;
        }
        String poster = row.get(POSTER).trim();
        return new MovieRecord(id, title, year, score, genres, poster.isEmpty() ? null : poster);
    }

    /** The year of the last "(YYYY)" in the title, or null when there is none. */
    static Integer yearOf(String title) {
        Matcher m = YEAR.matcher(title);
        Integer year = null;
        while (m.find()) {
            year = Integer.valueOf(m.group(1));
        }
        return year;
    }
}
