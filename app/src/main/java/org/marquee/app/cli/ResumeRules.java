package org.marquee.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.marquee.app.train.RunFolder;
import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.RunSettings;

/**
 * What {@code train} may and may not do with an output folder that holds a run: a new run refuses
 * it (unless told to overwrite), and {@code --resume} continues it only as the same experiment:
 * the same seed and genres, and every recorded setting equal to this run's except those that may
 * always change and those named by {@code --allow-change}.
 *
 * @param seed        this run's {@code --seed}
 * @param schedule    this run's {@code --schedule}
 * @param allowChange the options named by {@code --allow-change}, with or without their dashes
 * @param output      the output folder
 */
record ResumeRules(long seed, String schedule, List<String> allowChange, Path output) {
    /** The run setting naming the metric that selects the best epoch; a checkpoint without it selected by loss. */
    static final String SELECT = "--select";

    /**
     * What a run recorded before these options existed did: it chose its best epoch by the
     * validation loss, kept no average of the weights, did not normalize its inputs and weighed no positives.
     */
    static final RunSettings OLDER_DEFAULTS = RunSettings.builder().put(SELECT, "loss").put("--ema", 0.0).put("--normalize", false)
            .put("--pos-weight", 1.0).build();

    ResumeRules {
        allowChange = allowChange.stream().map(k -> k.startsWith("--") ? k : "--" + k).toList();
    }

    /** {@code recorded} with {@link #OLDER_DEFAULTS} for the settings it lacks. */
    static RunSettings withOlderDefaults(RunSettings recorded) {
        return OLDER_DEFAULTS.with(recorded);
    }

    /** Refuses an output folder holding a run's checkpoint: a new run would replace them without a word. */
    static void refuseExistingRun(Path output) {
        for (String name : List.of(RunFolder.LAST, RunFolder.BEST)) {
            Path p = output.resolve(name);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                String epoch;
                try {
                    epoch = "epoch " + CheckpointFile.read(p).training().epoch();
                } catch (IOException | RuntimeException e) {
                    epoch = "unreadable";
                }
                throw new IllegalArgumentException(output + " holds a run (" + name + ", " + epoch + "): give --resume to continue it,"
                        + " --overwrite to replace it, or another --output folder");
            }
        }
    }

    /**
     * Options that may change on resume without being named: early stopping, and the run's length
     * while the learning rate is constant (a cosine schedule's length is part of the experiment).
     */
    Set<String> alwaysChangeable() {
        return "constant".equals(schedule) ? Set.of("--epochs", "--patience") : Set.of("--patience");
    }

    /**
     * The run's {@code last} checkpoint {@code c}, checked to be the same experiment as {@code now}
     * on {@code genres}. A format 1 checkpoint records no settings; only its seed is checked.
     */
    Checkpoint resumable(Path last, Checkpoint c, List<String> genres, RunSettings now, PrintStream out) {
        if (!c.genres().equals(genres)) throw new IllegalArgumentException(last + " was trained on other genres: " + c.genres());
        if (c.training().seed() != seed) {
            throw new IllegalArgumentException(last + " was trained with --seed " + c.training().seed() + ", not " + seed
                    + "; resume with the same seed");
        }
        if (c.run().isEmpty()) {
            out.println("note: " + last + " does not record the options of its run (an older format); only its seed and genres"
                    + " were checked");
            return c;
        }
        var mayChange = new HashSet<>(alwaysChangeable());
        for (String k : allowChange) {
            if (c.run().get(k).isEmpty() && now.get(k).isEmpty()) {
                throw new IllegalArgumentException("--allow-change names " + k + ", which is not an option this run records: "
                        + now.values().keySet().stream().filter(n -> n.startsWith("--")).collect(Collectors.joining(", ")));
            }
            mayChange.add(k);
        }
        RunSettings recorded = withOlderDefaults(c.run());
        var differences = recorded.differences(now, mayChange);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("--resume would change the run in " + output + ": "
                    + differences.stream().map(Object::toString).collect(Collectors.joining("; "))
                    + ". Resume with the recorded values, or name what may change with --allow-change "
                    + differences.stream().map(RunSettings.Difference::key).filter(k -> k.startsWith("--"))
                            .map(k -> k.substring(2)).collect(Collectors.joining(","))
                    + " (changing the data or its split mixes validation posters into training; start a new run instead)");
        }
        for (String k : allowChange) {
            recorded.get(k).filter(v -> !v.equals(now.get(k).orElse(null)))
                    .ifPresent(v -> out.printf("note: %s changes from %s to %s (allowed)%n", k, v, now.get(k).orElse("unset")));
        }
        return c;
    }
}
