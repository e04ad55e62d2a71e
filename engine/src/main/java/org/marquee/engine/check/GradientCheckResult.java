package org.marquee.engine.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a gradient check: one entry per checked element (analytic and numeric
 * derivative, their relative error), grouped by tensor in the order they were checked.
 *
 * @param entries one entry per checked element
 * @param options the options the check ran with
 */
public record GradientCheckResult(List<Entry> entries, GradientCheck.Options options) {

    /**
     * Copies the entries.
     *
     * @param entries one entry per checked element
     * @param options the options the check ran with
     */
    public GradientCheckResult {
        entries = List.copyOf(entries);
    }

    /**
     * One checked element. {@code relativeError = |a - n| / (|a| + |n|)} (0 when both are 0); it
     * passes when that is within the tolerance or {@code |a - n|} is below the absolute floor.
     *
     * @param tensor        the tensor's name ("input" or a parameter's)
     * @param index         the element's flat index in the tensor
     * @param analytic      the backpropagated derivative a
     * @param numeric       the central difference n
     * @param relativeError |a - n| / (|a| + |n|)
     * @param absoluteError |a - n|
     * @param passed        whether the element is within the tolerance or the absolute floor
     */
    public record Entry(String tensor, int index, double analytic, double numeric,
                        double relativeError, double absoluteError, boolean passed) {}

    /**
     * Whether every entry passed.
     *
     * @return true when no entry failed
     */
    public boolean passed() { return entries.stream().allMatch(Entry::passed); }

    /**
     * The entries that failed, in order.
     *
     * @return the failures, empty when the check passed
     */
    public List<Entry> failures() { return entries.stream().filter(e -> !e.passed()).toList(); }

    /**
     * Every entry as a table: tensor, index, analytic, numeric, relative error, verdict.
     *
     * @return the table, one line per entry
     */
    public String table() {
        StringBuilder sb = new StringBuilder(String.format("%-24s %9s %15s %15s %11s  %s%n",
                "tensor", "index", "analytic", "numeric", "rel.error", "ok"));
        for (Entry e : entries) {
            sb.append(String.format("%-24s %9d %15.8e %15.8e %11.3e  %s%n", e.tensor(), e.index(),
                    e.analytic(), e.numeric(), e.relativeError(), e.passed() ? "ok" : "FAIL"));
        }
        return sb.toString();
    }

    /**
     * One line per tensor: entries checked, failures, largest relative error; then the verdict.
     *
     * @return the summary
     */
    public String summary() {
        Map<String, double[]> byTensor = new LinkedHashMap<>();   // tensor -> {count, failures, max error}
        for (Entry e : entries) {
            double[] s = byTensor.computeIfAbsent(e.tensor(), k -> new double[3]);
            s[0]++;
            if (!e.passed()) s[1]++;
            s[2] = Math.max(s[2], e.relativeError());
        }
        StringBuilder sb = new StringBuilder(String.format("%-24s %8s %8s %11s%n", "tensor", "checked", "failed", "max.rel.err"));
        byTensor.forEach((t, s) -> sb.append(String.format("%-24s %8d %8d %11.3e%n", t, (long) s[0], (long) s[1], s[2])));
        sb.append(String.format("%s: %d of %d entries within rel %.1e (or abs %.1e)%n", passed() ? "PASSED" : "FAILED",
                entries.size() - failures().size(), entries.size(), options.tolerance(), options.absoluteFloor()));
        return sb.toString();
    }
}
