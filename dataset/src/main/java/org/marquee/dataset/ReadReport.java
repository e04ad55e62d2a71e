package org.marquee.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What reading MovieGenre.csv did with each data row: how many were read, kept, dropped by a
 * filter (year, genre, duplicate) and skipped as malformed, with the line number and reason of
 * each malformed row.
 */
public final class ReadReport {
    /** Why a row was not kept. The first three are filters; the rest mean the row is malformed. */
    public enum Reason {
        BEFORE_MIN_YEAR("released before the minimum year", false),
        NO_GENRE("empty Genre", false),
        DUPLICATE_ID("imdbId already seen earlier in the file", false),
        NO_YEAR_IN_TITLE("title has no \"(YYYY)\" year", true),
        WRONG_FIELD_COUNT("wrong number of fields", true),
        BAD_IMDB_ID("imdbId is not a positive integer", true),
        BAD_SCORE("IMDB Score is not a number from 0 to 10", true),
        BAD_GENRE("Genre list is malformed", true),
        UNKNOWN_GENRE("genre is not one of the 27 known genres", true),
        EMPTY_TITLE("empty Title", true);

        private final String description;
        private final boolean malformed;

        Reason(String description, boolean malformed) {
            this.description = description;
            this.malformed = malformed;
        }

        public String description() {
            return description;
        }

        public boolean malformed() {
            return malformed;
        }
    }

    /** One malformed row: its physical line in the file, why, and the offending detail. */
    public record Issue(long line, Reason reason, String detail) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason.description() + " (" + detail + ")";
        }
    }

    private final Map<Reason, Integer> counts = new EnumMap<>(Reason.class);
    private final List<Issue> issues = new ArrayList<>();
    private int read;
    private int kept;

    void countRead() {
        read++;
    }

    void countKept() {
        kept++;
    }

    /** Characters of a field shown in a message; longer ones are cut and their length said. */
    public static final int EXCERPT_CHARS = 80;

    /** {@code text}, or its first {@link #EXCERPT_CHARS} characters and its length when it is longer. */
    public static String excerpt(String text) {
        if (text == null || text.length() <= EXCERPT_CHARS) return text;
        return text.substring(0, EXCERPT_CHARS) + String.format("... (%,d characters)", text.length());
    }

    void drop(long line, Reason reason, String detail) {
        counts.merge(reason, 1, Integer::sum);
        if (reason.malformed()) {
            issues.add(new Issue(line, reason, detail == null || detail.length() <= 3 * EXCERPT_CHARS ? detail
                    : excerpt(detail)));
        }
    }

    /** Data rows read (the header excluded). */
    public int rowsRead() {
        return read;
    }

    public int rowsKept() {
        return kept;
    }

    /** Rows not kept for this reason. */
    public int count(Reason reason) {
        return counts.getOrDefault(reason, 0);
    }

    /** Rows skipped because they were malformed (every one is listed in {@link #issues()}). */
    public int rowsSkipped() {
        return counts.entrySet().stream().filter(e -> e.getKey().malformed()).mapToInt(Map.Entry::getValue).sum();
    }

    /** Rows dropped by a filter (year, genre, duplicate id). */
    public int rowsFiltered() {
        return counts.entrySet().stream().filter(e -> !e.getKey().malformed()).mapToInt(Map.Entry::getValue).sum();
    }

    public List<Issue> issues() {
        return Collections.unmodifiableList(issues);
    }

    /** A few lines for a person: totals, each reason's count, then the first malformed rows. */
    public String summary(int maxIssues) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("read %,d rows, kept %,d, filtered %,d, skipped %,d malformed%n",
                read, kept, rowsFiltered(), rowsSkipped()));
        for (Map.Entry<Reason, Integer> e : counts.entrySet()) {
            s.append(String.format("  %-8s %,7d  %s%n", e.getKey().malformed() ? "skipped" : "filtered",
                    e.getValue(), e.getKey().description()));
        }
        issues.stream().limit(maxIssues).forEach(i -> s.append("  ").append(i).append(System.lineSeparator()));
        if (issues.size() > maxIssues) {
            s.append(String.format("  ... and %,d more malformed rows%n", issues.size() - maxIssues));
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return summary(10);
    }
}
