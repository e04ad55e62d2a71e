package org.marquee.dataset;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe progress line: "label  1,234 / 9,184  13%  42.0/s  eta 3m05s". On a terminal it
 * rewrites one line with a carriage return; otherwise (logs, CI) it prints a plain line at most
 * every {@code plainEveryMillis}. Call {@link #step()} from any thread and {@link #done()} once.
 */
public final class Progress {
    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long everyNanos;
    private final long start = System.nanoTime();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong lastPrint = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean finished;

    public Progress(String label, long total, PrintStream out, boolean terminal, long plainEveryMillis) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0: " + total);
        }
        this.label = label;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.everyNanos = (terminal ? 200 : Math.max(plainEveryMillis, 1)) * 1_000_000L;
    }

    /** Writes to stderr: carriage-return updates on a terminal, a line every 10 s otherwise. */
    public static Progress start(String label, long total) {
        return new Progress(label, total, System.err, System.console() != null, 10_000);
    }

    /** Prints nothing: for tests and callers that want silence. */
    public static Progress silent(String label, long total) {
        return new Progress(label, total, null, false, Long.MAX_VALUE / 2_000_000L);
    }

    public void step() {
        advance(1);
    }

    public void advance(long n) {
        long c = count.addAndGet(n);
        long now = System.nanoTime();
        long last = lastPrint.get();
        if (out != null && (last == Long.MIN_VALUE || now - last >= everyNanos) && lastPrint.compareAndSet(last, now)) {
            print(c, now, false);
        }
    }

    public long count() {
        return count.get();
    }

    /** Prints the final line (with a newline) once. */
    public void done() {
        if (!finished) {
            finished = true;
            if (out != null) {
                print(count.get(), System.nanoTime(), true);
            }
        }
    }

    /** The text of a progress line; exposed for tests. */
    String line(long c, double seconds) {
        double rate = seconds > 0 ? c / seconds : 0;
        StringBuilder s = new StringBuilder(label).append(String.format("  %,d / %,d", c, total));
        if (total > 0) {
            s.append(String.format("  %3d%%", (int) (100 * c / total)));
        }
        s.append(String.format("  %.1f/s", rate));
        if (rate > 0 && c < total) {
            long eta = (long) ((total - c) / rate);
            s.append(String.format("  eta %dm%02ds", eta / 60, eta % 60));
        } else {
            s.append(String.format("  %.1fs", seconds));
        }
        return s.toString();
    }

    private synchronized void print(long c, long now, boolean last) {
        String text = line(c, (now - start) / 1e9);
        if (terminal) {
            out.print("\r" + text + (last ? System.lineSeparator() : ""));
        } else {
            out.println(text);
        }
        out.flush();
    }
}
