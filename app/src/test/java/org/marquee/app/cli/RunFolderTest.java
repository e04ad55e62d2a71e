package org.marquee.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.Main;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.app.train.RunFolder;

/** A run's folder: never overwritten by another run, resumable from best.ckpt alone, and its two checkpoints of one run. */
class RunFolderTest extends CapturedConsole {
    @TempDir Path dir;

    int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    String[] train(Path o, String... more) {
        return MainTest.concat(new String[] {"train", "--backend", "reference", "--synthetic", "40", "--image-size", "24",
                "--batch-size", "8", "--lr", "3e-3", "-o", o.toString()}, more);
    }

    @Test
    void trainRefusesAFolderHoldingARunUnlessToldToOverwrite() throws Exception {
        Path o = dir.resolve("run");
        assertEquals(0, run(train(o, "--epochs", "1")), err());
        byte[] before = Files.readAllBytes(o.resolve(RunFolder.LAST));
        assertEquals(1, run(train(o, "--epochs", "1", "--seed", "9")));
        assertTrue(err().contains(o + " holds a run (last.ckpt, epoch 1): give --resume to continue it, --overwrite to replace it"),
                err());
        assertArrayEquals(before, Files.readAllBytes(o.resolve(RunFolder.LAST)), "a refused run writes nothing");
        assertEquals(0, run(train(o, "--epochs", "1", "--seed", "9", "--overwrite")), err());
        assertEquals(9, CheckpointFile.read(o.resolve(RunFolder.LAST)).training().seed());
    }

    @Test
    void resumeWithoutLastCkptStartsFromBestCkptAndRemovesStaleTemporaryFiles() throws Exception {
        Path o = dir.resolve("run");
        assertEquals(0, run(train(o, "--epochs", "1")), err());
        byte[] once = Files.readAllBytes(o.resolve(RunFolder.LAST));
        Files.delete(o.resolve(RunFolder.LAST));   // killed while the first last.ckpt was written
        Path stale = Files.write(o.resolve(".last.ckpt8123.tmp"), new byte[100]);
        assertEquals(0, run(train(o, "--epochs", "2", "--resume")), err());
        assertTrue(out().contains("resuming from " + o.resolve(RunFolder.BEST) + " after epoch 1"), out());
        assertTrue(out().contains("removed " + stale), out());
        assertFalse(Files.exists(stale));
        assertEquals(2, CheckpointFile.read(o.resolve(RunFolder.LAST)).training().epoch());
        String id = CheckpointFile.read(o.resolve(RunFolder.LAST)).run().get(RunSettings.NOTE_PREFIX + RunFolder.RUN_ID).orElseThrow();
        assertEquals(id, CheckpointFile.read(o.resolve(RunFolder.BEST)).run().get(RunSettings.NOTE_PREFIX + RunFolder.RUN_ID)
                .orElseThrow(), "the resumed run keeps its id");
        assertTrue(once.length > 0);

        Path empty = dir.resolve("empty");
        assertEquals(1, run(train(empty, "--epochs", "2", "--resume")));
        assertTrue(err().contains("no such file, and no best.ckpt with the optimizer's state to resume from"), err());
    }

    @Test
    void aBestCkptOfAnotherRunIsNeverTakenAsThisRunsBest() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, run(train(a, "--epochs", "1")), err());
        assertEquals(0, run(train(b, "--epochs", "1")), err());   // the same settings: only the run id tells them apart
        Files.copy(b.resolve(RunFolder.BEST), a.resolve(RunFolder.BEST), StandardCopyOption.REPLACE_EXISTING);

        assertEquals(1, run("evaluate", "--backend", "reference", "-c", a.resolve(RunFolder.BEST).toString()));
        assertTrue(err().contains("belong to different runs (best.ckpt has run id"), err());

        assertEquals(0, run(train(a, "--epochs", "2", "--resume")), err());
        assertTrue(out().contains("repaired " + a.resolve(RunFolder.BEST) + ": it belongs to another run (run id"), out());
        assertTrue(RunFolder.otherRun(CheckpointFile.read(a.resolve(RunFolder.LAST)), CheckpointFile.read(a.resolve(RunFolder.BEST)))
                .isEmpty());
    }

    @Test
    void withoutRunIdsAnotherSeedOrOtherDataTellsRunsApart() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, run(train(a, "--epochs", "1")), err());
        assertEquals(0, run(train(b, "--epochs", "1", "--seed", "5")), err());
        var la = CheckpointFile.read(a.resolve(RunFolder.LAST));
        var lb = CheckpointFile.read(b.resolve(RunFolder.LAST));
        String key = RunSettings.NOTE_PREFIX + RunFolder.RUN_ID;
        var noIdA = la.with(new RunSettings(withoutKey(la.run(), key)), la.extras());
        var noIdB = lb.with(new RunSettings(withoutKey(lb.run(), key)), lb.extras());
        assertTrue(RunFolder.otherRun(noIdA, noIdB).orElseThrow().startsWith("--seed 5, not "), RunFolder.otherRun(noIdA, noIdB).toString());
        assertTrue(RunFolder.otherRun(noIdA, CheckpointFile.read(a.resolve(RunFolder.BEST))).isEmpty());
    }

    private static java.util.Map<String, String> withoutKey(RunSettings run, String key) {
        var m = new java.util.LinkedHashMap<>(run.values());
        m.remove(key);
        return m;
    }
}
