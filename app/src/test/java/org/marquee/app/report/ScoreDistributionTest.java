package org.marquee.app.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.dataset.CatalogueOptions;
import org.marquee.dataset.DataLocation;
import org.marquee.dataset.MovieGenreCsv;
import org.marquee.dataset.MovieRecord;

class ScoreDistributionTest {
    @TempDir Path dir;

    /** A small MovieGenre.csv: scores in 2001, 2001, 2003 and 1995 (before the default first year), two rows without one. */
    Path fixture() throws IOException {
        Path csv = dir.resolve("MovieGenre.csv");
        Files.writeString(csv, """
                imdbId,Imdb Link,Title,IMDB Score,Genre,Poster
                1,l,A (2001),7.5,Drama,
                2,l,B (2001),5.5,Comedy,
                3,l,C (2003),8.0,Drama|Romance,
                4,l,D (2003),,Horror,
                5,l,E (2002),,Drama,
                6,l,F (1995),6.0,Drama,
                """);
        return csv;
    }

    @Test
    void scoresAreGroupedByYearAndTheRowsWithoutOneCounted() throws IOException {
        List<MovieRecord> movies = MovieGenreCsv.read(fixture()).movies();
        ScoreDistribution d = ScoreDistribution.of(movies);
        assertEquals(3, d.rated());
        assertEquals(2, d.unrated());
        assertEquals(1, d.binWidth());
        assertEquals(List.of(2001, 2003), new ArrayList<>(d.bins().keySet()), "a year without any score has no box");
        assertArrayEquals(new double[] {5.5, 7.5}, d.bins().get(2001));
        assertEquals("IMDb score: 3 of 5 movies have one, 2 lack one; median 7.5", d.summary());
        assertEquals("""
                year        movies    min     q1 median     q3    max
                2001             2    5.5   6.00   6.50   7.00    7.5
                2003             1    8.0   8.00   8.00   8.00    8.0
                """, d.table());

        Path png = dir.resolve("scores.png");
        DatasetCharts.scores(d, png);
        BufferedImage img = ReportsTest.readPng(png);
        assertEquals(1000, img.getWidth());
        assertEquals(500, img.getHeight());
    }

    @Test
    void wideSpansOfYearsAreBinnedSoThereAreAtMostThirtyBoxes() throws IOException {
        List<MovieRecord> movies = MovieGenreCsv.read(fixture(), CatalogueOptions.defaults().withMinYear(0)).movies();
        ScoreDistribution d = ScoreDistribution.of(movies);
        assertEquals(1, d.binWidth(), "1995 to 2003 fits in yearly boxes");
        List<MovieRecord> wide = new ArrayList<>(movies);
        wide.add(new MovieRecord(7, "Old (1921)", 1921, 9.0, List.of("Drama"), null));
        d = ScoreDistribution.of(wide);
        assertEquals(5, d.binWidth(), "1921 to 2003 is 83 years: 5-year bins, 17 of them");
        assertEquals(List.of(1920, 1995, 2000), new ArrayList<>(d.bins().keySet()));
        assertEquals("2000-2004", d.label(2000));
        assertArrayEquals(new double[] {5.5, 7.5, 8.0}, d.bins().get(2000));
        assertTrue(d.table().startsWith("years "), d.table());
    }

    @Test
    void quantilesInterpolateBetweenNeighbours() {
        double[] s = {1, 2, 3, 4};
        assertEquals(1.0, ScoreDistribution.quantile(s, 0), 1e-12);
        assertEquals(1.75, ScoreDistribution.quantile(s, 0.25), 1e-12);
        assertEquals(2.5, ScoreDistribution.quantile(s, 0.5), 1e-12);
        assertEquals(4.0, ScoreDistribution.quantile(s, 1), 1e-12);
    }

    @Test
    void withoutAnyScoreTheChartSaysSo() throws IOException {
        ScoreDistribution d = ScoreDistribution.of(List.of(new MovieRecord(1, "A (2001)", 2001, null, List.of("Drama"), null)));
        assertEquals("IMDb score: 0 of 1 movies have one, 1 lack one", d.summary());
        assertTrue(d.bins().isEmpty());
        DatasetCharts.scores(d, dir.resolve("scores.png"));
        ReportsTest.readPng(dir.resolve("scores.png"));
    }

    @Test
    void theRealCatalogueHasAFewThousandScoresFrom2000On() throws IOException {
        Path data = DataLocation.find().orElse(null);
        Assumptions.assumeTrue(data != null && Files.isRegularFile(data.resolve(DataLocation.CSV_NAME)), "no shared/data/MovieGenre.csv found");
        List<MovieRecord> movies = MovieGenreCsv.read(data.resolve(DataLocation.CSV_NAME)).movies();
        ScoreDistribution d = ScoreDistribution.of(movies);
        assertEquals(movies.size(), d.rated() + d.unrated());
        // most rows of the assembled CSV lack a score (see shared/data/PROVENANCE.md); a few thousand have one
        assertTrue(d.rated() > 500 && d.rated() < movies.size() / 2, d.summary());
        assertEquals(1, d.binWidth(), d.summary());
        assertTrue(d.bins().firstKey() >= 2000 && d.bins().lastKey() <= 2025, d.table());
        double[] all = d.all();
        assertTrue(all[0] >= 1 && all[all.length - 1] <= 10, d.table());
        double median = ScoreDistribution.quantile(all, 0.5);
        assertTrue(median > 5 && median < 8, d.summary());
        DatasetCharts.scores(d, dir.resolve("scores.png"));
        ReportsTest.readPng(dir.resolve("scores.png"));
    }
}
