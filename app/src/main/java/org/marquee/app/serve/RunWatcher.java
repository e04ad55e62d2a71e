package org.marquee.app.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.app.report.FilterImages;
import org.marquee.app.train.EpochLog;
import org.marquee.app.train.EpochResult;
import org.marquee.app.train.ProgressFile;
import org.marquee.app.train.RunFolder;

/**
 * Watches a run folder while {@code train} writes it and publishes what changed: each new row of
 * {@code epochs.csv} (the numbers the curves show), {@code progress.json} (the current epoch's
 * step, written by {@code train --serve}) and the first convolution's filters from each new
 * {@code last.ckpt}. Every file there is written atomically, so a file read is whole; one that
 * cannot be read yet is read again at the next look.
 */
final class RunWatcher {
    private final Path run;
    private final LiveFeed feed;
    private int sentEpochs;
    private FileTime logTime, progressTime, checkpointTime;
    private String lastProblem;

    RunWatcher(Path run, LiveFeed feed) {
        this.run = run;
        this.feed = feed;
    }

    /** Looks once; called every few hundred milliseconds. */
    synchronized void look() {
        try {
            lookAtLog();
            lookAtProgress();
            lookAtCheckpoint();
            lastProblem = null;
        } catch (IOException | RuntimeException e) {
            String problem = e.getMessage();
            if (!Objects.equals(problem, lastProblem)) System.err.println("serve: " + run + ": " + problem + " (read again at the next look)");
            lastProblem = problem;
        }
    }

    private FileTime changed(Path file, FileTime seen) throws IOException {
        if (!Files.isRegularFile(file)) return null;
        FileTime t = Files.getLastModifiedTime(file);
        return t.equals(seen) ? null : t;
    }

    private void lookAtLog() throws IOException {
        Path file = run.resolve("epochs.csv");
        FileTime t = changed(file, logTime);
        if (t == null) return;
        List<EpochResult> rows;
        try {
            rows = EpochLog.parse(Files.readString(file, StandardCharsets.UTF_8)).rows();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (rows.size() < sentEpochs) {
            feed.reset();
            sentEpochs = 0;
        }
        for (int i = sentEpochs; i < rows.size(); i++) feed.epoch(epochJson(rows.get(i)));
        sentEpochs = rows.size();
        logTime = t;
    }

    static String epochJson(EpochResult r) {
        return Json.object().put("epoch", r.epoch()).put("trainLoss", r.trainLoss()).put("valLoss", r.valLoss())
                .put("microF1", r.valMicroF1()).put("macroF1", r.valMacroF1()).put("oneError", r.valOneError())
                .put("map", r.valMap()).put("seconds", r.seconds()).put("imagesPerSecond", r.imagesPerSecond()).toString();
    }

    private void lookAtProgress() throws IOException {
        Path file = run.resolve(ProgressFile.NAME);
        FileTime t = changed(file, progressTime);
        if (t == null) return;
        if (Files.size(file) > 64 * 1024) throw new IOException(file + " is larger than a progress file can be");
        String json = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!json.startsWith("{") || !json.endsWith("}")) throw new IOException(file + " does not hold a JSON object");
        feed.progress(json);
        progressTime = t;
    }

    private void lookAtCheckpoint() throws IOException {
        Path file = run.resolve(RunFolder.LAST);
        FileTime t = changed(file, checkpointTime);
        if (t == null) return;
        Checkpoint c = CheckpointFile.read(file);
        // conv2d_1/kernel, (32, 3, 3, 3), is the first tensor of the parameter block
        int k = 32, channels = 3, side = 3;
        double[] kernel = Arrays.copyOfRange(c.weights(), 0, k * channels * side * side);
        feed.filters(Json.object().put("epoch", c.training().epoch())
                .put("image", PosterService.dataUrl(FilterImages.filters(kernel, k, channels, side, side, 8))).toString());
        checkpointTime = t;
    }
}
