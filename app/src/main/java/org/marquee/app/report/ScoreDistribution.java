package org.marquee.app.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.marquee.dataset.MovieRecord;

/**
 * The movies' IMDb scores by release year, as the seed's notebook looked at them: the scores of
 * the movies that have one, grouped into bins of {@link #binWidth()} years (1 when the years span
 * at most {@link #MAX_BINS}, else 2, 5, 10, ... so there are at most that many), with how many
 * movies have no score (most rows of MovieGenre.csv).
 *
 * @param rated movies with a score
 * @param unrated movies without one
 * @param binWidth years per bin; bins start at multiples of it
 * @param bins each bin's first year and its scores in ascending order (only bins with a score)
 */
public record ScoreDistribution(int rated, int unrated, int binWidth, SortedMap<Integer, double[]> bins) {
    public static final int MAX_BINS = 30;
    private static final int[] WIDTHS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

    public ScoreDistribution {
        SortedMap<Integer, double[]> copy = new TreeMap<>();
        bins.forEach((year, scores) -> {
            double[] s = scores.clone();
            Arrays.sort(s);
            copy.put(year, s);
        });
        bins = Collections.unmodifiableSortedMap(copy);
    }

    /** The scores of {@code movies} by release year; a movie without a score is only counted. */
    public static ScoreDistribution of(List<MovieRecord> movies) {
        int rated = 0, first = Integer.MAX_VALUE, last = Integer.MIN_VALUE;
        for (MovieRecord m : movies) {
            if (m.score() == null) continue;
            rated++;
            first = Math.min(first, m.year());
            last = Math.max(last, m.year());
        }
        int width = WIDTHS[WIDTHS.length - 1];
        for (int w : WIDTHS) {
            if (rated == 0 || Math.floorDiv(last, w) - Math.floorDiv(first, w) + 1 <= MAX_BINS) {
                width = w;
                break;
            }
        }
        Map<Integer, List<Double>> grouped = new TreeMap<>();
        for (MovieRecord m : movies) {
            if (m.score() != null) grouped.computeIfAbsent(Math.floorDiv(m.year(), width) * width, y -> new ArrayList<>()).add(m.score());
        }
        SortedMap<Integer, double[]> bins = new TreeMap<>();
        grouped.forEach((year, s) -> bins.put(year, s.stream().mapToDouble(Double::doubleValue).toArray()));
        return new ScoreDistribution(rated, movies.size() - rated, width, bins);
    }

    /** "2005" for a one-year bin, "2000-2004" for a wider one. */
    public String label(int binStart) {
        return binWidth == 1 ? Integer.toString(binStart) : binStart + "-" + (binStart + binWidth - 1);
    }

    /** The {@code q}-quantile (0 to 1) of sorted {@code scores}, interpolating between neighbours. */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) throw new IllegalArgumentException("no scores");
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Every score, sorted. */
    public double[] all() {
        return bins.values().stream().flatMapToDouble(Arrays::stream).sorted().toArray();
    }

    /** One line: how many movies have a score and how many lack one, and the median score. */
    public String summary() {
        String counts = String.format(Locale.ROOT, "IMDb score: %,d of %,d movies have one, %,d lack one", rated, rated + unrated, unrated);
        return rated == 0 ? counts : counts + String.format(Locale.ROOT, "; median %.1f", quantile(all(), 0.5));
    }

    /** A row per bin: its years, how many scores, and their quartiles. */
    public String table() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %7s %6s %6s %6s %6s %6s%n",
                binWidth == 1 ? "year" : "years", "movies", "min", "q1", "median", "q3", "max"));
        bins.forEach((year, s) -> sb.append(String.format(Locale.ROOT, "%-10s %,7d %6.1f %6.2f %6.2f %6.2f %6.1f%n", label(year), s.length,
                s[0], quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75), s[s.length - 1])));
        return sb.toString();
    }
}
