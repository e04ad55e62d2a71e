package org.marquee.app.teach;

import java.util.List;
import java.util.Locale;
import org.marquee.engine.Shapes;

/** The explain command's layer-by-layer table, with or without the timing column. */
public final class ExplainReport {
    private ExplainReport() {}

    /**
     * One row per layer: name, type, output shape (per poster, channel-first), parameter count,
     * min / mean / max of the output, the share of zeros and, when {@code withTime}, the
     * milliseconds its forward pass took.
     */
    public static String table(List<LayerStats> layers, boolean withTime) {
        StringBuilder sb = new StringBuilder();
        String head = String.format(Locale.ROOT, "%-17s %-13s %-16s %10s %9s %9s %9s %6s",
                "layer", "type", "output shape", "params", "min", "mean", "max", "zeros");
        sb.append(head);
        if (withTime) sb.append(String.format(Locale.ROOT, " %9s", "ms"));
        sb.append('\n');
        long total = 0, nanos = 0;
        for (LayerStats s : layers) {
            sb.append(String.format(Locale.ROOT, "%-17s %-13s %-16s %,10d %9.4f %9.4f %9.4f %5.1f%%",
                    s.name(), s.type(), Shapes.format(s.shape(), false), s.parameters(),
                    s.min(), s.mean(), s.max(), 100 * s.zeroFraction()));
            if (withTime) sb.append(s.nanos() < 0 ? String.format(Locale.ROOT, " %9s", "") : String.format(Locale.ROOT, " %9.1f", s.nanos() / 1e6));
            sb.append('\n');
            total += s.parameters();
            nanos += Math.max(0, s.nanos());
        }
        sb.append(String.format(Locale.ROOT, "%-48s %,10d", "total", total));
        if (withTime) sb.append(String.format(Locale.ROOT, " %9s %9s %9s %6s %9.1f", "", "", "", "", nanos / 1e6));
        return sb.append('\n').toString();
    }
}
