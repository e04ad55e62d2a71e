package org.marquee.engine.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The epochs of a run as CSV, written to {@code epochs.csv} and carried in every checkpoint so a
 * resumed run continues its log:
 * <pre>
 *   epoch,train_loss,COLUMN...,seconds,images_per_s
 * </pre>
 * with one column per logged validation metric ({@link Validator#columns()}). Numbers are written
 * with {@link Double#toString} (exact: a log read back equals the one written), NaN as an empty
 * field.
 */
public final class TrainingLog {
    private final List<String> columns;
    private final List<EpochRecord> rows = new ArrayList<>();

    /**
     * An empty log of these metric columns.
     *
     * @param columns the logged validation metrics, in order
     */
    public TrainingLog(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    /**
     * The logged validation metrics, in order.
     *
     * @return the column names between {@code train_loss} and {@code seconds}
     */
    public List<String> columns() { return columns; }

    /**
     * Appends the next epoch.
     *
     * @param r the epoch, numbered one after the last
     */
    public void add(EpochRecord r) {
        int expected = rows.size() + 1;
        if (r.epoch() != expected) throw new IllegalArgumentException("epoch " + r.epoch() + " logged where " + expected + " was expected");
        rows.add(r);
    }

    /**
     * The epochs so far.
     *
     * @return every epoch, first to last
     */
    public List<EpochRecord> rows() { return List.copyOf(rows); }

    /**
     * The CSV header.
     *
     * @return the first line, without its line break
     */
    public String header() {
        return "epoch,train_loss," + (columns.isEmpty() ? "" : String.join(",", columns) + ",") + "seconds,images_per_s";
    }

    /**
     * The log as CSV text.
     *
     * @return the header and one line per epoch
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(header()).append('\n');
        for (EpochRecord r : rows) {
            sb.append(r.epoch()).append(',').append(num(r.trainLoss()));
            for (String c : columns) sb.append(',').append(num(r.score(c)));
            sb.append(',').append(num(r.seconds())).append(',').append(num(r.examplesPerSecond())).append('\n');
        }
        return sb.toString();
    }

    /**
     * Reads a log written by {@link #toCsv()} (as a checkpoint holds it) into a log of
     * {@code columns}: metrics the text lacks (logs written before a metric was measured) read as
     * NaN, metrics it has beyond them are dropped. Empty text gives an empty log.
     *
     * @param csv the text
     * @param columns the metrics the log is to have
     * @param epochs the run's number of epochs (at least the log's)
     * @return the log
     * @throws IllegalArgumentException naming the row and field that cannot be read
     */
    public static TrainingLog parse(String csv, List<String> columns, int epochs) {
        TrainingLog log = new TrainingLog(columns);
        if (csv == null || csv.isBlank()) return log;
        String[] lines = csv.strip().split("\n");
        String[] head = lines[0].split(",", -1);
        if (head.length < 4 || !head[0].equals("epoch") || !head[1].equals("train_loss") || !head[head.length - 2].equals("seconds")
                || !head[head.length - 1].equals("images_per_s")) {
            throw new IllegalArgumentException("epoch log: unexpected header: " + lines[0]);
        }
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length != head.length) {
                throw new IllegalArgumentException("epoch log row " + i + ": expected " + head.length + " fields, got " + f.length + ": " + lines[i]);
            }
            try {
                Map<String, Double> scores = new LinkedHashMap<>();
                for (int k = 2; k < head.length - 2; k++) scores.put(head[k], d(f[k]));
                int epoch = Integer.parseInt(f[0]);
                log.add(new EpochRecord(epoch, Math.max(epochs, epoch), d(f[1]), scores, false, Double.NaN, d(f[head.length - 2]),
                        d(f[head.length - 1])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("epoch log row " + i + ": " + e.getMessage() + ": " + lines[i], e);
            }
        }
        return log;
    }

    private static String num(double v) { return Double.isNaN(v) ? "" : Double.toString(v); }
    private static double d(String s) { return s.isEmpty() ? Double.NaN : Double.parseDouble(s); }
}
