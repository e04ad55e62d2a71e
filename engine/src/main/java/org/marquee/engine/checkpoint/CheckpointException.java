package org.marquee.engine.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file that cannot be used: foreign, truncated, corrupted or of another model. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    /** What is wrong, without the file's name. */
    private final String problem;

    /**
     * A problem with {@code file}; the message is "checkpoint FILE: PROBLEM".
     *
     * @param file the file
     * @param problem what is wrong, naming the field
     */
    public CheckpointException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * A problem with {@code file} caused by another exception.
     *
     * @param file the file
     * @param problem what is wrong, naming the field
     * @param cause the underlying exception
     */
    public CheckpointException(Path file, String problem, Throwable cause) {
        super("checkpoint " + file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /**
     * The file this is about.
     *
     * @return the file
     */
    public Path file() { return file; }

    /**
     * What is wrong, without the file's name.
     *
     * @return the problem
     */
    public String problem() { return problem; }
}
