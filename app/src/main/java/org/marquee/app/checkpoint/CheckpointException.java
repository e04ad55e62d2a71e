package org.marquee.app.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file that cannot be used: foreign, truncated, corrupted or of another model. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(Path file, String problem) {
        super("checkpoint " + file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super("checkpoint " + file + ": " + problem, cause);
    }
}
