package org.marquee.app.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The per-epoch progress display: step, images per second, running loss and ETA. On a terminal
 * the line is redrawn in place with a carriage return a few times a second; otherwise (a log file,
 * a pipe, Maven's output capture) a plain line is printed about every tenth of the epoch, so logs
 * stay readable.
 */
public final class ProgressLine {
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;   // nanoseconds
    private String label = "";
    private int steps;
    private long start;
    private long lastDraw;
    private int lastPlainDecile;
    private int width;

    public ProgressLine(PrintStream out, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
    }

    /** A progress line on standard output, redrawn in place only when a console is attached. */
    public static ProgressLine forConsole() {
        return new ProgressLine(System.out, System.console() != null, System::nanoTime);
    }

    public void begin(String label, int steps) {
        this.label = label;
        this.steps = steps;
        this.start = clock.getAsLong();
        this.lastDraw = start;
        this.lastPlainDecile = 0;
        this.width = 0;
    }

    /** Reports that {@code step} of the epoch's steps (1-based) are done after {@code images} images. */
    public void update(int step, long images, double runningLoss) {
        long now = clock.getAsLong();
        if (terminal) {
            if (now - lastDraw < REDRAW_NANOS && step < steps) return;
            lastDraw = now;
            String line = format(step, images, runningLoss, now);
            out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
            out.flush();
        } else {
            int decile = steps == 0 ? 10 : (int) (10L * step / steps);
            if (decile > lastPlainDecile || step == steps) {
                lastPlainDecile = decile;
                out.println(format(step, images, runningLoss, now));
            }
        }
    }

    /** Ends the in-place line so the next output starts on a fresh line. */
    public void end() {
        if (terminal && width > 0) out.println();
        width = 0;
    }

    String format(int step, long images, double runningLoss, long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? images / seconds : 0;
        double eta = step > 0 ? seconds * (steps - step) / step : 0;
        return String.format(Locale.ROOT, "%s  step %d/%d  %.1f img/s  loss %.4f  ETA %s",
                label, step, steps, rate, runningLoss, duration(eta));
    }

    /** Seconds as m:ss, or h:mm:ss from an hour up. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
