package org.marquee.app.checkpoint;

import org.marquee.engine.checkpoint.Checkpoint;
import org.marquee.engine.checkpoint.CheckpointException;
import org.marquee.engine.checkpoint.CheckpointFile;
import org.marquee.engine.checkpoint.ModelSpec;
import org.marquee.engine.checkpoint.NamedArray;
import org.marquee.engine.checkpoint.RunSettings;
import org.marquee.engine.checkpoint.TrainingState;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkpoint reader on arbitrary bytes: it returns a checkpoint or throws a
 * {@link CheckpointException} that names the file; any other exception, an {@link Error} included,
 * is a failure. Without {@code JAZZER_FUZZ} this replays the corpus in
 * {@code src/test/resources/org/marquee/app/checkpoint/CheckpointFuzzTestInputs}; with it, Jazzer
 * mutates that corpus for the given time (the opencl-free {@code fuzz} Surefire execution).
 */
class CheckpointFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void readsAnyBytesOrNamesTheProblem(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".ckpt");
        try {
            Files.write(file, bytes);
            try {
                Checkpoint c = CheckpointFile.read(file);
                assertTrue(c.weights().length == c.model().parameterCount());
            } catch (CheckpointException e) {
                assertTrue(e.getMessage().startsWith("checkpoint " + file + ": "), e.getMessage());
            }
        } finally {
            Files.delete(file);
        }
    }
}
