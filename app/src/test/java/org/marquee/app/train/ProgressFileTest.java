package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** progress.json: rewritten a few times a second and at each epoch's end, with the rate each epoch ended at. */
class ProgressFileTest {
    @TempDir Path dir;
    long now;

    String read() throws IOException { return Files.readString(dir.resolve(ProgressFile.NAME)); }

    @Test
    void writesTheStepAtMostFiveTimesASecondAndEveryEpochsEnd() throws IOException {
        ProgressFile p = new ProgressFile(dir, () -> now);
        p.step(1, 2, 1, 10, 0.7, 1e-3);
        assertEquals("{\"epoch\": 1, \"epochs\": 2, \"step\": 1, \"steps\": 10, \"loss\": 0.7, \"lr\": 0.001, \"epochLr\": []}\n", read());
        now += 100_000_000L;
        p.step(1, 2, 2, 10, 0.6, 1e-3);
        assertTrue(read().contains("\"step\": 1,"), "not rewritten within 0.2 s: " + read());
        now += 150_000_000L;
        p.step(1, 2, 3, 10, 0.6, 1e-3);
        assertTrue(read().contains("\"step\": 3,"), read());
        now += 1;
        p.step(1, 2, 10, 10, 0.5, 9e-4);
        assertTrue(read().contains("\"step\": 10,") && read().contains("\"epochLr\": [9.0E-4]"), "the epoch's end is always written: " + read());
        now += 1;
        p.step(2, 2, 1, 10, Double.NaN, 8e-4);
        assertTrue(read().contains("\"loss\": null") && read().contains("\"epochLr\": [9.0E-4]"), read());
    }

    @Test
    void aResumedRunLeavesTheEarlierEpochsRatesUnknownAndAFailedWriteDoesNotStopIt() throws IOException {
        ProgressFile p = new ProgressFile(dir, () -> now);
        p.step(3, 4, 5, 5, 0.4, 2e-4);
        assertTrue(read().contains("\"epochLr\": [null, null, 2.0E-4]"), read());
        Files.delete(dir.resolve(ProgressFile.NAME));
        Files.createDirectory(dir.resolve(ProgressFile.NAME));   // the file cannot be written now
        p.step(4, 4, 5, 5, 0.3, 1e-4);
        assertFalse(Files.isRegularFile(dir.resolve(ProgressFile.NAME)));
    }
}
