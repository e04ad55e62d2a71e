package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;

class CheckpointLocatorTest extends CapturedConsole {
    @TempDir Path dir;

    Path best(String run, long epochSecond) throws IOException {
        Path f = dir.resolve("runs").resolve(run).resolve("best.ckpt");
        Files.createDirectories(f.getParent());
        Files.writeString(f, run);
        Files.setLastModifiedTime(f, FileTime.from(Instant.ofEpochSecond(epochSecond)));
        return f;
    }

    @Test
    void theMostRecentlyModifiedBestCheckpointWins() throws IOException {
        best("train", 1_000);
        Path demo = best("demo", 3_000);
        best("real", 2_000);
        Files.createDirectories(dir.resolve("runs/cache"));   // a folder without a checkpoint is ignored
        Files.writeString(dir.resolve("runs/best.ckpt"), "not in a run folder");
        assertEquals(demo, CheckpointLocator.latest(dir.resolve("runs")));

        Path newer = best("train", 4_000);
        assertEquals(newer, CheckpointLocator.latest(dir.resolve("runs")));
    }

    @Test
    void aTieGoesToTheRunWhoseNameSortsLast() throws IOException {
        best("a", 5_000);
        Path b = best("b", 5_000);
        assertEquals(b, CheckpointLocator.latest(dir.resolve("runs")));
    }

    @Test
    void aGivenCheckpointIsUsedAsItIs() {
        Path given = dir.resolve("elsewhere.ckpt");
        assertEquals(given, CheckpointLocator.orLatest(given));
    }

    @Test
    void noCheckpointSaysWhereItLooked() throws IOException {
        Path runs = dir.resolve("runs");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckpointLocator.latest(runs));
        assertTrue(e.getMessage().startsWith("no checkpoint given and none found: looked for " + runs.resolve("*").resolve("best.ckpt")),
                e.getMessage());
        assertTrue(e.getMessage().contains(runs.toAbsolutePath() + " (no such folder)") && e.getMessage().contains("-c FILE"),
                e.getMessage());

        Files.createDirectories(runs.resolve("cache"));
        Files.createDirectories(runs.resolve("broken"));
        Files.writeString(runs.resolve("broken/last.ckpt"), "x");
        e = assertThrows(IllegalArgumentException.class, () -> CheckpointLocator.latest(runs));
        assertTrue(e.getMessage().contains("(2 run folders, none with best.ckpt: broken, cache)"), e.getMessage());
    }

    @Test
    void evaluateAndPredictNameTheDefaultInTheirHelp() {
        for (String command : new String[] {"evaluate", "predict"}) {
            out.reset();
            assertEquals(0, Main.run(command, "--help"));
            String help = out().replaceAll("\\s+", " ");
            assertTrue(help.contains("(default: the most recently modified runs/*/best.ckpt)"), help);
        }
    }
}
