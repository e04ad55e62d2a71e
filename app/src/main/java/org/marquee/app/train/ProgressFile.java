package org.marquee.app.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.marquee.engine.io.AtomicFiles;

/**
 * {@code progress.json} in the run folder, for the live page of {@code train --serve}: the current
 * epoch's step, its running loss, the learning rate, and the learning rate each finished epoch
 * ended with. Rewritten atomically at most a few times a second and at every epoch's last step.
 *
 * <pre>
 *   {"epoch": 2, "epochs": 10, "step": 37, "steps": 120, "loss": 0.2412, "lr": 0.001, "epochLr": [0.001]}
 * </pre>
 */
public final class ProgressFile implements Trainer.StepListener {
    public static final String NAME = "progress.json";
    private static final long EVERY_NANOS = 200_000_000L;

    private final Path file;
    private final LongSupplier clock;
    private final List<Double> epochLr = new ArrayList<>();
    private long last = Long.MIN_VALUE;
    private boolean failed;

    public ProgressFile(Path runFolder) { this(runFolder, System::nanoTime); }

    ProgressFile(Path runFolder, LongSupplier clock) {
        this.file = runFolder.resolve(NAME);
        this.clock = clock;
    }

    @Override
    public void step(int epoch, int epochs, int step, int steps, double runningLoss, double learningRate) {
        long now = clock.getAsLong();
        boolean end = step == steps;
        if (end) {
            while (epochLr.size() < epoch - 1) epochLr.add(Double.NaN);   // a resumed run: the earlier epochs' rates are not known here
            if (epochLr.size() == epoch - 1) epochLr.add(learningRate);
        }
        if (!end && step != 1 && now - last < EVERY_NANOS) return;
        last = now;
        StringBuilder rates = new StringBuilder("[");
        for (int i = 0; i < epochLr.size(); i++) rates.append(i == 0 ? "" : ", ").append(num(epochLr.get(i)));
        String json = String.format(Locale.ROOT, "{\"epoch\": %d, \"epochs\": %d, \"step\": %d, \"steps\": %d, \"loss\": %s, \"lr\": %s, \"epochLr\": %s]}%n",
                epoch, epochs, step, steps, num(runningLoss), num(learningRate), rates);
        try {
            AtomicFiles.writeString(file, json);
            failed = false;
        } catch (IOException e) {
            // the page misses this update; the training goes on
            if (!failed) System.err.println("warning: could not write " + file + ": " + e.getMessage() + " (the run goes on)");
            failed = true;
        }
    }

    private static String num(double v) { return Double.isFinite(v) ? Double.toString(v) : "null"; }
}
