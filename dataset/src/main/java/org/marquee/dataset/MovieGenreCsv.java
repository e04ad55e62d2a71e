package org.marquee.dataset;

import org.marquee.engine.io.FileKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
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
        java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(in, 1 << 16);
        Charset charset = charsetOf(csv, buffered, options.charset());
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setDuplicateHeaderMode(org.apache.commons.csv.DuplicateHeaderMode.ALLOW_ALL).get();
        ReadReport report = new ReadReport();
        List<MovieRecord> movies = new ArrayList<>();
        long lastEnd = 1;
        try (Reader reader = new BufferedReader(new InputStreamReader(buffered, decoder), 1 << 16);
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            checkHeader(csv, parser.getHeaderMap(), parser.getHeaderNames());
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
            throw encodingError(csv, charset, lastEnd, e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw encodingError(csv, charset, lastEnd, e.getCause());
            }
            throw new IOException(csv + " near line " + (lastEnd + 1) + ": not valid CSV: " + brief(e.getCause().getMessage()), e);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).startsWith(csv)) throw e;   // already names the file
            throw new IOException(csv + " near line " + (lastEnd + 1) + ": not valid CSV: " + brief(e.getMessage()), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // commons-csv's own checks: a header with an empty or repeated name, a record it cannot split
            throw new IOException(csv + (lastEnd <= 1 ? " line 1: unusable header: " : " near line " + (lastEnd + 1) + ": not valid CSV: ")
                    + brief(e.getMessage()), e);
        }
        return new Catalogue(movies, report, options.genresFromData() ? GenreVocabulary.of(movies) : GenreVocabulary.STANDARD);
    }

    /**
     * The file's encoding: a UTF-8 byte-order mark is skipped and the file read as UTF-8 whatever
     * {@code wanted} says; UTF-16 and UTF-32 (with a byte-order mark, or without one but with the
     * zero bytes they put beside ASCII letters) are refused, naming the encoding.
     */
    static Charset charsetOf(String csv, java.io.BufferedInputStream in, Charset wanted) throws IOException {
        in.mark(8);
        byte[] b = in.readNBytes(4);
        in.reset();
        int n = b.length;
        int b0 = n > 0 ? b[0] & 0xFF : -1, b1 = n > 1 ? b[1] & 0xFF : -1, b2 = n > 2 ? b[2] & 0xFF : -1, b3 = n > 3 ? b[3] & 0xFF : -1;
        String found = null;
        if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) found = "UTF-32 (big-endian, byte-order mark 00 00 FE FF)";
        else if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0) found = "UTF-32 (little-endian, byte-order mark FF FE 00 00)";
        else if (b0 == 0xFE && b1 == 0xFF) found = "UTF-16 (big-endian, byte-order mark FE FF)";
        else if (b0 == 0xFF && b1 == 0xFE) found = "UTF-16 (little-endian, byte-order mark FF FE)";
        else if (n == 4 && b0 == 0 && b1 == 0 && b2 == 0 && b3 != 0) found = "UTF-32 (big-endian, no byte-order mark)";
        else if (n == 4 && b0 != 0 && b1 == 0 && b2 == 0 && b3 == 0) found = "UTF-32 (little-endian, no byte-order mark)";
        else if (n == 4 && b0 == 0 && b1 != 0 && b2 == 0) found = "UTF-16 (big-endian, no byte-order mark)";
        else if (n == 4 && b0 != 0 && b1 == 0 && b2 != 0 && b3 == 0) found = "UTF-16 (little-endian, no byte-order mark)";
        if (found != null) {
            throw new IOException(csv + ": the file is " + found + " text; this reader takes single-byte ISO-8859-1 (the Kaggle"
                    + " file) or UTF-8: save it in one of those");
        }
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            in.skipNBytes(3);
            return java.nio.charset.StandardCharsets.UTF_8;
        }
        return wanted;
    }

    private static IOException encodingError(String csv, Charset charset, long lastEnd, Throwable cause) {
        return new IOException(csv + " near line " + (lastEnd + 1) + ": bytes that are not valid "
                + charset.name() + " (the Kaggle MovieGenre.csv is single-byte ISO-8859-1)", cause);
    }

    private static void checkHeader(String csv, Map<String, Integer> header, List<String> names) throws IOException {
        if (header == null || header.isEmpty()) {
            throw new IOException(csv + ": empty file, expected a header with columns " + REQUIRED_COLUMNS);
        }
        Map<String, Integer> first = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || name.isBlank()) continue;
            Integer earlier = first.putIfAbsent(name, i);
            if (earlier != null) {
                throw new IOException(csv + " line 1: column \"" + ReadReport.excerpt(name) + "\" appears twice in the header"
                        + " (columns " + (earlier + 1) + " and " + (i + 1) + "); which one holds the data is ambiguous");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String column : REQUIRED_COLUMNS) {
            if (!header.containsKey(column)) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(csv + " line 1: header lacks column(s) " + missing + "; found "
                    + names.stream().limit(20).map(ReadReport::excerpt).toList() + (names.size() > 20 ? " and " + (names.size() - 20)
                    + " more" : "") + ", expected " + REQUIRED_COLUMNS);
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
            report.drop(line, ReadReport.Reason.BAD_IMDB_ID, "imdbId " + quote(idText));
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
            report.drop(line, ReadReport.Reason.NO_YEAR_IN_TITLE, quote(title));
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
                report.drop(line, ReadReport.Reason.BAD_SCORE, quote(scoreText));
                return null;
            }
        }
        String genreText = row.get(GENRE).trim();
        List<String> genres = new ArrayList<>();
        for (String g : genreText.isEmpty() ? new String[0] : genreText.split("\\|", -1)) {
            String name = g.trim();
            if (name.isEmpty() || genres.contains(name)) {
                report.drop(line, ReadReport.Reason.BAD_GENRE, quote(genreText));
                return null;
            }
            genres.add(name);
        }
        if (!options.genresFromData()) {
            for (String name : genres) {
                if (GenreVocabulary.STANDARD.indexOf(name) < 0) {
                    report.drop(line, ReadReport.Reason.UNKNOWN_GENRE, quote(name));
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

    /** A parser's message, which may quote a whole header or field, cut to a few hundred characters. */
    private static String brief(String message) {
        return message == null || message.length() <= 4 * ReadReport.EXCERPT_CHARS ? message
                : message.substring(0, 4 * ReadReport.EXCERPT_CHARS) + String.format("... (%,d characters)", message.length());
    }

    /** A field in quotes for a message, cut to a short excerpt when long. */
    private static String quote(String field) {
        return "\"" + ReadReport.excerpt(field) + "\"";
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
