package org.marquee.app.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.BoxStyler;
import org.marquee.dataset.MovieRecord;

/**
 * The data set's pictures: genre distribution ({@code genres.png}), movies per year
 * ({@code years.png}) and the IMDb score's distribution by release year ({@code scores.png}).
 */
public final class DatasetCharts {
    private DatasetCharts() {}

    /** Bars of movies per genre, most frequent first. */
    public static void genres(Map<String, Integer> moviesPerGenre, Path file) throws IOException {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(moviesPerGenre.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        CategoryChart c = new CategoryChartBuilder().width(1000).height(550).title("Movies per genre")
                .xAxisTitle("genre").yAxisTitle("movies").build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisLabelRotation(60);
        c.addSeries("movies", sorted.stream().map(Map.Entry::getKey).toList(),
                sorted.stream().map(e -> (Number) e.getValue()).toList());
        Png.chart(c, file);
    }

    /** Bars of movies per release year. */
    public static void years(SortedMap<Integer, Integer> moviesPerYear, Path file) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(1000).height(500).title("Movies per year")
                .xAxisTitle("year").yAxisTitle("movies").build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisLabelRotation(90);
        c.addSeries("movies", moviesPerYear.keySet().stream().map(String::valueOf).toList(),
                moviesPerYear.values().stream().map(v -> (Number) v).toList());
        Png.chart(c, file);
    }

    /** Draws {@link #scores(ScoreDistribution, Path)} for {@code movies} and returns their distribution. */
    public static ScoreDistribution scores(List<MovieRecord> movies, Path file) throws IOException {
        ScoreDistribution d = ScoreDistribution.of(movies);
        scores(d, file);
        return d;
    }

    /**
     * A box plot of the IMDb scores per bin of release years (quartile box, median line, whiskers),
     * of the movies that have a score; the title says how many have one and how many do not.
     */
    public static void scores(ScoreDistribution d, Path file) throws IOException {
        String title = String.format(Locale.ROOT, "IMDb score by release year (%,d movies with a score, %,d without)", d.rated(), d.unrated());
        if (d.bins().isEmpty()) {
            CategoryChart empty = new CategoryChartBuilder().width(1000).height(500).title(title)
                    .xAxisTitle(d.binWidth() == 1 ? "year" : "years").yAxisTitle("IMDb score").build();
            empty.getStyler().setLegendVisible(false);
            empty.addSeries("none", List.of("no scores"), List.of((Number) 0));
            Png.chart(empty, file);
            return;
        }
        BoxChart c = new BoxChartBuilder().width(1000).height(500).title(title)
                .xAxisTitle((d.binWidth() == 1 ? "release year" : "release years") + " (movies with a score)")
                .yAxisTitle("IMDb score").build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisLabelRotation(90);
        c.getStyler().setBoxplotCalCulationMethod(BoxStyler.BoxplotCalCulationMethod.N_LESS_1_PLUS_1);
        d.bins().forEach((year, scores) -> c.addSeries(String.format(Locale.ROOT, "%s (%,d)", d.label(year), scores.length), scores));
        Png.chart(c, file);
    }
}
