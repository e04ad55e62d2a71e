package org.marquee.app.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.marquee.dataset.PosterCache;

/**
 * Names the posters the cache left out: the first few on the console, every one in
 * {@code left-out.csv} (imdbId, reason, description) in the output folder.
 */
public final class LeftOutReport {
    public static final String FILE = "left-out.csv";
    /** Posters named on the console; the rest are only in the file. */
    public static final int SHOWN = 5;

    private LeftOutReport() {}

    /** Writes the report and prints its summary; does nothing when no poster was left out. */
    public static void write(List<PosterCache.Failure> leftOut, Path output, PrintStream out) throws IOException {
        if (leftOut.isEmpty()) return;
        List<String> lines = new ArrayList<>(leftOut.size() + 1);
        lines.add("imdbId,reason,description");
        for (PosterCache.Failure f : leftOut) {
            lines.add(f.imdbId() + "," + f.reason().name() + "," + f.reason().description());
        }
        Path file = output.resolve(FILE);
        org.marquee.engine.io.AtomicFiles.writeLines(file, lines);
        StringBuilder s = new StringBuilder("left out:");
        for (int i = 0; i < Math.min(SHOWN, leftOut.size()); i++) {
            PosterCache.Failure f = leftOut.get(i);
            s.append(i == 0 ? " " : ", ").append(f.imdbId()).append(" (").append(f.reason().description()).append(')');
        }
        if (leftOut.size() > SHOWN) s.append(String.format(Locale.ROOT, " and %,d more", leftOut.size() - SHOWN));
        out.println(s.append("; all ").append(leftOut.size()).append(" in ").append(file));
    }
}
