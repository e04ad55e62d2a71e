package org.marquee.app.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** The data set's pictures: genre distribution ({@code genres.png}) and movies per year ({@code years.png}). */
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
}
