package org.marquee.engine.fit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A weights or training-state file that cannot be written or used: foreign, truncated, corrupted,
 * of another model, or holding a value that is not finite. The message always names the file.
 */
public final class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public ModelFileException(Path file, String problem) {
        this(file, problem, null);
    }

    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file this is about. */
    public Path file() { return file; }
}
