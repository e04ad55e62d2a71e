package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieGenreCsvTest {
    static final String HEADER = "imdbId,Imdb Link,Title,IMDB Score,Genre,Poster\n";

    @TempDir
    Path dir;

    private Path write(String body) throws IOException {
        Path f = dir.resolve("MovieGenre.csv");
        Files.write(f, (HEADER + body).getBytes(StandardCharsets.ISO_8859_1));
        return f;
    }

    @Test
    void readsLatin1TitlesAndKeepsRowsWithoutScoreOrPoster() throws IOException {
        Path f = write("""
                1,http://www.imdb.com/title/tt1,Am\u00e9lie (2001),8.3,Comedy|Romance,http://x/a.jpg
                2,http://www.imdb.com/title/tt2,No Score (2005),,Drama,
                """);
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);
        assertEquals(2, c.movies().size());
        MovieRecord a = c.movies().get(0);
        assertEquals("Am\u00e9lie (2001)", a.title());
        assertEquals(2001, a.year());
        assertEquals(8.3, a.score());
        assertEquals(List.of("Comedy", "Romance"), a.genres());
        MovieRecord b = c.movies().get(1);
        assertNull(b.score());
        assertNull(b.posterUrl());
        assertEquals(GenreVocabulary.STANDARD, c.vocabulary());
        assertEquals(List.of("Comedy", "Drama", "Romance"),
                MovieGenreCsv.read(f, CatalogueOptions.defaults().withGenresFromData(true)).vocabulary().names());
    }

    @Test
    void anUnknownGenreIsReportedWithItsLineAndDoesNotChangeTheVocabulary() throws IOException {
        Path f = write("""
                1,l,Heat (2001),8.3,Crime|Drama,
                2,l,Typo (2005),6.1,Dramma,
                3,l,Fine (2006),7.0,Comedy,
                4,l,Other (2007),7.0,Comedy|Cyberpunk,
                """);
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);
        assertEquals(GenreVocabulary.STANDARD, c.vocabulary());
        assertEquals(27, c.vocabulary().size());
        assertEquals(2, c.movies().size());
        assertEquals(2, c.report().count(ReadReport.Reason.UNKNOWN_GENRE));
        assertEquals("line 3: genre is not one of the 27 known genres (\"Dramma\")", c.report().issues().get(0).toString());
        assertEquals(5, c.report().issues().get(1).line());
        assertTrue(c.report().summary(3).contains("\"Cyberpunk\""), c.report().summary(3));

        MovieGenreCsv.Catalogue derived = MovieGenreCsv.read(f, CatalogueOptions.defaults().withGenresFromData(true));
        assertEquals(4, derived.movies().size());
        assertEquals(List.of("Comedy", "Crime", "Cyberpunk", "Drama", "Dramma"), derived.vocabulary().names());
    }

    @Test
    void readingLatin1BytesAsUtf8IsAClearError() throws IOException {
        Path f = write("1,l,Am\u00e9lie (2001),8.3,Comedy,\n");
        IOException e = assertThrows(IOException.class,
                () -> MovieGenreCsv.read(f, CatalogueOptions.defaults().withCharset(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("UTF-8") && e.getMessage().contains("ISO-8859-1"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void missingColumnIsAClearError() throws IOException {
        Path f = dir.resolve("MovieGenre.csv");
        Files.writeString(f, "imdbId,Imdb Link,Title,IMDB Score,Poster\n1,l,A (2001),1,\n");
        IOException e = assertThrows(IOException.class, () -> MovieGenreCsv.read(f));
        assertTrue(e.getMessage().contains("[Genre]"), e.getMessage());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void quotedCommasInPosterUrlStayInOneField() throws IOException {
        Path f = write("5,l,Heat (2001),7.0,Action|Crime,\"https://img/x._V1_UX182_CR0,0,182,268_AL_.jpg\"\n");
        MovieRecord m = MovieGenreCsv.read(f).movies().get(0);
        assertEquals("https://img/x._V1_UX182_CR0,0,182,268_AL_.jpg", m.posterUrl());
        assertEquals(List.of("Action", "Crime"), m.genres());
    }

    @Test
    void titleWithoutYearIsSkippedWithItsLineNumber() throws IOException {
        Path f = write("""
                1,l,Persuasion,7.7,Drama,
                2,l,"Multi
                line (2003)",7.7,Drama,
                3,l,Band of Brothers,9.5,War,
                4,l,Kept (2004),,War,
                """);
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);
        assertEquals(2, c.movies().size());
        ReadReport r = c.report();
        assertEquals(4, r.rowsRead());
        assertEquals(2, r.rowsSkipped());
        assertEquals(List.of(2L, 5L), r.issues().stream().map(ReadReport.Issue::line).toList());
        assertEquals(ReadReport.Reason.NO_YEAR_IN_TITLE, r.issues().get(0).reason());
        assertTrue(r.summary(5).contains("line 5"), r.summary(5));
    }

    @Test
    void yearIsTheLastParenthesisedFourDigits() {
        assertEquals(1999, MovieGenreCsv.yearOf("Alien (1979) (1999)"));
        assertEquals(2001, MovieGenreCsv.yearOf("2001 (2001)"));
        assertNull(MovieGenreCsv.yearOf("Year 2001"));
        assertNull(MovieGenreCsv.yearOf("Odd (201)"));
    }

    @Test
    void duplicateIdsKeepTheFirstRow() throws IOException {
        Path f = write("""
                7,l,First (2010),,Drama,
                7,l,Second (2010),,Comedy,
                8,l,Other (2010),,Comedy,
                """);
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);
        assertEquals(List.of("First (2010)", "Other (2010)"), c.movies().stream().map(MovieRecord::title).toList());
        assertEquals(1, c.report().count(ReadReport.Reason.DUPLICATE_ID));
        assertEquals(0, c.report().rowsSkipped());
    }

    @Test
    void emptyGenreAndOldMoviesAreFiltered() throws IOException {
        Path f = write("""
                1,l,No Genre (2010),5.0,,
                2,l,Old (1999),5.0,Drama,
                3,l,Edge (2000),5.0,Drama,
                """);
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);
        assertEquals(List.of(3L), c.movies().stream().map(MovieRecord::imdbId).toList());
        assertEquals(1, c.report().count(ReadReport.Reason.NO_GENRE));
        assertEquals(1, c.report().count(ReadReport.Reason.BEFORE_MIN_YEAR));
        assertEquals(2, c.report().rowsFiltered());
        MovieGenreCsv.Catalogue all = MovieGenreCsv.read(f, CatalogueOptions.defaults().withMinYear(1900));
        assertEquals(2, all.movies().size());
    }

    @Test
    void malformedRowsAreSkippedWithReasons() throws IOException {
        Path f = write("""
                abc,l,Bad Id (2010),5.0,Drama,
                2,l,Bad Score (2010),five,Drama,
                3,l,Too Few (2010)
                4,l,Bad Genre (2010),5.0,Drama||Comedy,
                5,l,Good (2010),5.0,Drama,
                """);
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);
        assertEquals(1, c.movies().size());
        assertEquals(List.of(ReadReport.Reason.BAD_IMDB_ID, ReadReport.Reason.BAD_SCORE,
                ReadReport.Reason.WRONG_FIELD_COUNT, ReadReport.Reason.BAD_GENRE),
                c.report().issues().stream().map(ReadReport.Issue::reason).toList());
        assertEquals(List.of(2L, 3L, 4L, 5L), c.report().issues().stream().map(ReadReport.Issue::line).toList());
        assertEquals(5, c.report().rowsRead());
    }

    @Test
    void unterminatedQuoteIsAnErrorNamingTheFile() throws IOException {
        Path f = write("1,l,\"Open (2010),5.0,Drama,\n");
        IOException e = assertThrows(IOException.class, () -> MovieGenreCsv.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void aScoreOutsideZeroToTenIsSkippedWithItsLineAndAnEmptyOneIsMissing() throws IOException {
        Path f = write("""
                1,l,Fine (2001),10,Drama,
                2,l,Percent (2002),85,Drama,
                3,l,Negative (2003),-1.5,Drama,
                4,l,Missing (2004), ,Drama,
                5,l,Infinite (2005),Infinity,Drama,
                6,l,Low (2006),0.0,Drama,
                """);
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);
        assertEquals(List.of(10.0, 0.0), c.movies().stream().map(MovieRecord::score).filter(java.util.Objects::nonNull).toList());
        assertEquals(List.of("Fine (2001)", "Missing (2004)", "Low (2006)"), c.movies().stream().map(MovieRecord::title).toList());
        assertNull(c.movies().get(1).score());
        assertEquals(3, c.report().count(ReadReport.Reason.BAD_SCORE));
        assertEquals(List.of("line 3: IMDB Score is not a number from 0 to 10 (\"85\")",
                        "line 4: IMDB Score is not a number from 0 to 10 (\"-1.5\")",
                        "line 6: IMDB Score is not a number from 0 to 10 (\"Infinity\")"),
                c.report().issues().stream().map(ReadReport.Issue::toString).toList());
    }

    @Test
    void aColumnNamedTwiceIsRefusedNamingItAndBothPositions() throws IOException {
        Path f = dir.resolve("twice.csv");
        Files.writeString(f, "imdbId,Imdb Link,Title,IMDB Score,Genre,Poster,Genre\n1,l,Heat (1995),8.2,Crime,,Horror\n");
        IOException e = assertThrows(IOException.class, () -> MovieGenreCsv.read(f));
        assertTrue(e.getMessage().contains("column \"Genre\" appears twice in the header (columns 5 and 7)"), e.getMessage());
        Files.writeString(f, "imdbId,imdbId,Imdb Link,Title,IMDB Score,Genre,Poster\n5,1,l,Heat (1995),8.2,Crime,\n");
        e = assertThrows(IOException.class, () -> MovieGenreCsv.read(f));
        assertTrue(e.getMessage().contains("column \"imdbId\" appears twice in the header (columns 1 and 2)"), e.getMessage());
    }

    @Test
    void aUtf8ByteOrderMarkIsReadAsUtf8AndUtf16Or32IsNamed() throws IOException {
        Path f = dir.resolve("bom.csv");
        byte[] body = (HEADER + "1,l,Am\u00e9lie (2001),8.3,Comedy,\n").getBytes(StandardCharsets.UTF_8);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Files.write(f, concat(bom, body));
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);   // default charset ISO-8859-1: the mark says UTF-8
        assertEquals("Am\u00e9lie (2001)", c.movies().get(0).title());
        String text = HEADER + "1,l,Heat (1995),8.2,Crime,\n";
        Object[][] cases = {
            {text.getBytes(StandardCharsets.UTF_16), "UTF-16 (big-endian, byte-order mark FE FF)"},
            {concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE)), "UTF-16 (little-endian, byte-order mark FF FE)"},
            {text.getBytes(StandardCharsets.UTF_16LE), "UTF-16 (little-endian, no byte-order mark)"},
            {concat(new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF}, text.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))),
                "UTF-32 (big-endian, byte-order mark 00 00 FE FF)"},
            {text.getBytes(java.nio.charset.Charset.forName("UTF-32LE")), "UTF-32 (little-endian, no byte-order mark)"},
        };
        for (Object[] k : cases) {
            Files.write(f, (byte[]) k[0]);
            IOException e = assertThrows(IOException.class, () -> MovieGenreCsv.read(f));
            assertTrue(e.getMessage().contains("the file is " + k[1] + " text"), e.getMessage());
        }
    }

    @Test
    void aHugeFieldIsShownAsAShortExcerpt() throws IOException {
        String title = "x".repeat(1_000_000);
        Path f = write("1,l," + title + ",8.2,Crime,\n");
        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(f);
        String shown = c.report().issues().get(0).toString();
        assertTrue(shown.length() < 200 && shown.contains("(1,000,000 characters)"), shown);
        Path header = dir.resolve("header.csv");
        Files.writeString(header, "imdbId," + title + "\n");
        IOException e = assertThrows(IOException.class, () -> MovieGenreCsv.read(header));
        assertTrue(e.getMessage().length() < 600 && e.getMessage().contains("lacks column(s)"), e.getMessage().length() + "");
        Files.writeString(header, "imdbId,," + title + "\n");   // an empty name: the parser's own message quotes the header
        e = assertThrows(IOException.class, () -> MovieGenreCsv.read(header));
        assertTrue(e.getMessage().length() < 600 && e.getMessage().contains("unusable header"), e.getMessage().length() + "");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
