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

    /**
     * A problem with {@code file}; the message is "FILE: PROBLEM".
     *
     * @param file the file
     * @param problem what is wrong, in words
     */
    public ModelFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * A problem with {@code file} caused by another exception; the message is "FILE: PROBLEM".
     *
     * @param file the file
     * @param problem what is wrong, in words
     * @param cause the underlying exception
     */
    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /**
     * The file this is about.
     *
     * @return the file
     */
    public Path file() { return file; }
}
