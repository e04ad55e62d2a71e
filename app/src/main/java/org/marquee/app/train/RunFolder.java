package org.marquee.app.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.TrainingState;
import org.marquee.engine.fit.Fit;

/**
 * The files of a run's output folder and the rules that keep its checkpoint pair one run's:
 * {@value #LAST} and {@value #BEST} ({@link Fit}'s), the run id recorded in both, where a resume
 * starts, and the repair of a pair left inconsistent by a crash.
 */
public final class RunFolder {
    /** The checkpoint after the last finished epoch. */
    public static final String LAST = Fit.LAST;
    /** The best epoch's checkpoint. */
    public static final String BEST = Fit.BEST;

    private RunFolder() {}

    public static Path lastCheckpoint(Path output) { return output.resolve(LAST); }

    /** The run setting (a note: never compared as an option) that names the run its checkpoints belong to. */
    public static final String RUN_ID = "run-id";

    /** {@code run} with the run id of {@code resumedFrom}, or a new one for a new run (or a checkpoint that records none). */
    public static org.marquee.engine.checkpoint.RunSettings withRunId(org.marquee.engine.checkpoint.RunSettings run,
            org.marquee.engine.checkpoint.Checkpoint resumedFrom) {
        String id = resumedFrom == null ? null : resumedFrom.run().get(org.marquee.engine.checkpoint.RunSettings.NOTE_PREFIX + RUN_ID)
                .orElse(null);
        if (id == null) id = java.util.UUID.randomUUID().toString();
        return run.with(org.marquee.engine.checkpoint.RunSettings.builder().note(RUN_ID, id).build());
    }

    /**
     * Why two checkpoints are not of one run, or empty when they may be: another run id when both
     * record one; otherwise (checkpoints written before run ids) another seed, other genres, or
     * other data (the recorded data settings and poster fingerprint).
     */
    public static java.util.Optional<String> otherRun(org.marquee.engine.checkpoint.Checkpoint a,
            org.marquee.engine.checkpoint.Checkpoint b) {
        String key = org.marquee.engine.checkpoint.RunSettings.NOTE_PREFIX + RUN_ID;
        var ida = a.run().get(key);
        var idb = b.run().get(key);
        if (ida.isPresent() && idb.isPresent()) {
            // one run's checkpoints share its id whatever --allow-change changed between them
            return ida.get().equals(idb.get()) ? java.util.Optional.empty() : java.util.Optional.of("run id " + idb.get() + ", not " + ida.get());
        }
        if (a.training().seed() != b.training().seed()) {
            return java.util.Optional.of("--seed " + b.training().seed() + ", not " + a.training().seed());
        }
        if (!a.genres().equals(b.genres())) return java.util.Optional.of("other genres");
        for (String k : List.of("data", "posters", "--split-seed", "--synthetic", "--limit", "--image-size")) {
            var va = a.run().get(k);
            var vb = b.run().get(k);
            if (va.isPresent() && vb.isPresent() && !va.get().equals(vb.get())) {
                return java.util.Optional.of(k + " " + vb.get() + ", not " + va.get());
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The checkpoint a resume starts from: {@code last.ckpt}, or {@code best.ckpt} when the run
     * was stopped before its first last.ckpt was complete (best.ckpt is written first, with the
     * optimizer's state); the epochs after best.ckpt's are trained again, with the same result.
     */
    public static Path resumePoint(Path output, PrintStream out) throws IOException {
        Path last = output.resolve(LAST);
        if (org.marquee.engine.io.FileKind.of(last) != org.marquee.engine.io.FileKind.MISSING) return last;
        Path best = output.resolve(BEST);
        if (org.marquee.engine.io.FileKind.of(best) == org.marquee.engine.io.FileKind.REGULAR) {
            var c = CheckpointFile.read(best);
            if (c.hasOptimizerState()) {
                out.printf("note: %s is missing; resuming from %s (epoch %d), the epochs after it are trained again%n", last, BEST,
                        c.training().epoch());
                return best;
            }
        }
        throw new org.marquee.engine.checkpoint.CheckpointException(last, "no such file, and no " + BEST + " with the optimizer's state"
                + " to resume from: nothing to resume in " + output);
    }

    /** Removes the temporary files of checkpoint writes that were interrupted (".last.ckpt123.tmp"), saying so. */
    public static void removeStaleTemporaryFiles(Path output, PrintStream out) throws IOException {
        if (!Files.isDirectory(output)) return;
        try (var files = Files.list(output)) {
            for (Path p : files.filter(f -> {
                String n = f.getFileName().toString();
                return (n.startsWith("." + LAST) || n.startsWith("." + BEST)) && n.endsWith(".tmp") && Files.isRegularFile(f);
            }).toList()) {
                Files.deleteIfExists(p);
                out.println("removed " + p + ", left by an interrupted checkpoint write");
            }
        }
    }

    /**
     * Makes {@code best.ckpt} in {@code output} agree with {@code last}, the run's {@code last.ckpt},
     * before a resume. A best.ckpt of the best epoch that {@code last} names is kept; one from a
     * later epoch than {@code last} (the run stopped between the two writes) is kept too, as the
     * resumed run redoes that epoch and writes it again. When it is missing, unreadable or of
     * another epoch and {@code last} is itself the best epoch, it is rewritten from {@code last};
     * otherwise the best model is lost and this says so instead of failing at the end of the run.
     */
    public static void checkBest(Path output, org.marquee.engine.checkpoint.Checkpoint last, PrintStream out) throws IOException {
        TrainingState t = last.training();
        if (t.bestEpoch() == 0) return;
        Path best = output.resolve(BEST);
        String problem;
        if (!Files.isRegularFile(best)) {
            problem = "is missing";
        } else {
            try {
                org.marquee.engine.checkpoint.Checkpoint b = CheckpointFile.read(best);
                int epoch = b.training().epoch();
                var other = otherRun(last, b);
                if (other.isPresent()) {
                    problem = "belongs to another run (" + other.get() + ")";
                } else if (epoch == t.bestEpoch() || epoch > t.epoch()) {
                    return;
                } else {
                    problem = "holds epoch " + epoch;
                }
            } catch (org.marquee.engine.checkpoint.CheckpointException e) {
                problem = "cannot be read (" + e.getMessage() + ")";
            }
        }
        if (t.epoch() == t.bestEpoch()) {
            CheckpointFile.write(last, best);
            out.printf("repaired %s: it %s, but %s is epoch %d, the best; rewrote it from %s%n", best, problem, LAST, t.epoch(), LAST);
            return;
        }
        throw new org.marquee.engine.checkpoint.CheckpointException(best, LAST + " says epoch " + t.bestEpoch() + " is the best but "
                + BEST + " " + problem + ", and " + LAST + " is epoch " + t.epoch() + ", so the best model cannot be rebuilt;"
                + " start a new run in another output folder");
    }
}
