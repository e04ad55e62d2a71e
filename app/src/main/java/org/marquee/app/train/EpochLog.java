package org.marquee.app.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The epochs of a run, kept in memory, written as CSV ({@code epochs.csv}) and carried in checkpoints. */
public final class EpochLog {
    private final List<EpochResult> rows = new ArrayList<>();

    public void add(EpochResult r) {
        int expected = rows.size() + 1;
        if (r.epoch() != expected) throw new IllegalArgumentException("epoch " + r.epoch() + " logged where " + expected + " was expected");
        rows.add(r);
    }

    public List<EpochResult> rows() { return List.copyOf(rows); }

    public String toCsv() {
        StringBuilder sb = new StringBuilder(EpochResult.HEADER).append('\n');
        for (EpochResult r : rows) sb.append(r.toCsv()).append('\n');
        return sb.toString();
    }

    /**
     * Restores a log from {@link #toCsv()} text (as stored in a checkpoint); empty text gives an
     * empty log. Logs written before the {@code val_map} column are read too, with mAP NaN.
     */
    public static EpochLog parse(String csv) {
        EpochLog log = new EpochLog();
        String[] lines = csv.strip().split("\n");
        if (csv.isBlank()) return log;
        boolean withMap = lines[0].equals(EpochResult.HEADER);
        if (!withMap && !lines[0].equals(EpochResult.HEADER_WITHOUT_MAP)) {
            throw new IllegalArgumentException("epoch log: unexpected header: " + lines[0]);
        }
        for (int i = 1; i < lines.length; i++) log.add(EpochResult.parse(lines[i], i, withMap));
        return log;
    }

    /** Writes the CSV to {@code file} through a temporary file. */
    public void write(Path file) throws IOException {
        org.marquee.engine.io.AtomicFiles.writeString(file, toCsv());
    }
}
