package org.marquee.engine.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes a file so that readers only ever see the old file or the complete new one: the bytes go
 * to a temporary file beside the target, which is renamed over it once they are all written. A
 * write that fails (a full disk, a folder that is read-only) leaves the target as it was, removes
 * the temporary file, and throws a {@link WriteFailedException} that names the target. Only a
 * missing path or a regular file is ever replaced (see {@link FileKind#requireReplaceable}).
 *
 * <p>Every file the project writes goes through here: {@link #write} for bytes written as a
 * stream, and {@link #temporaryFor} with {@link #moveInto} for a writer that needs the temporary
 * file itself (a file channel with positioned writes, a download checked before it is kept).
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What writes the file's bytes. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the whole content.
         *
         * @param out the stream to the temporary file (buffered; closed by the caller)
         * @throws IOException when writing fails; the target is then left as it was
         */
        void write(OutputStream out) throws IOException;
    }

    /** The file could not be written; the message names it and says why, in the system's words. */
    public static final class WriteFailedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Path file;

        /**
         * A failed write of {@code file}.
         *
         * @param file the target that was not written
         * @param cause the failure
         */
        public WriteFailedException(Path file, IOException cause) {
            super("could not write " + file + ": " + reason(cause) + " (an earlier " + file.getFileName() + ", if any, is unchanged)",
                    cause);
            this.file = file;
        }

        /**
         * The target that was not written.
         *
         * @return the file
         */
        public Path file() { return file; }
    }

    /**
     * Writes {@code file} whole or not at all: {@code body} writes to a temporary file beside it,
     * which then replaces it.
     *
     * @param file the target: missing or a regular file
     * @param body writes the content
     * @throws WriteFailedException when anything fails (the message names the file); the target
     *         is then as it was and the temporary file is gone
     * @throws IOException as thrown by {@code body} when it is a {@link WriteFailedException}
     */
    public static void write(Path file, Body body) throws IOException {
        Path tmp = null;
        try {
            tmp = temporaryFor(file, ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.write(out);
            }
            moveInto(tmp, file);
        } catch (WriteFailedException e) {
            throw e;
        } catch (IOException e) {
            throw new WriteFailedException(file, e);
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }

    /**
     * A new empty temporary file beside {@code file} (its folder is made if missing), named after it
     * with a leading dot and {@code suffix}, for a writer that fills it itself and then calls
     * {@link #moveInto}; the caller deletes it if it is not moved. A target that exists and is not
     * a regular file is refused first.
     *
     * @param file the file the temporary file will replace
     * @param suffix the temporary file's suffix (".tmp", ".part")
     * @return the temporary file
     * @throws IOException when the target may not be replaced or the file cannot be created
     */
    public static Path temporaryFor(Path file, String suffix) throws IOException {
        FileKind.requireReplaceable(file, "the target");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "." + file.getFileName() + ".", suffix);
    }

    /**
     * Renames the complete temporary file {@code tmp} over {@code file} (atomically where the file
     * system can), making it readable by all as a file written directly would be. A target that has
     * become something other than a regular file meanwhile is refused.
     *
     * @param tmp the temporary file, from {@link #temporaryFor}, in the target's folder
     * @param file the target
     * @throws IOException when the target may not be replaced or the rename fails
     */
    public static void moveInto(Path tmp, Path file) throws IOException {
        readableByAll(tmp);   // temporary files are created owner-only
        FileKind.requireReplaceable(file, "the target");   // again: it may have become a device or a folder meanwhile
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Writes {@code text} in UTF-8 as {@link #write} does.
     *
     * @param file the target
     * @param text the content
     * @throws IOException when the write fails (see {@link #write})
     */
    public static void writeString(Path file, String text) throws IOException {
        write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes the lines, each ended by '\n', in UTF-8, as {@link #write} does.
     *
     * @param file the target
     * @param lines the lines
     * @throws IOException when the write fails (see {@link #write})
     */
    public static void writeLines(Path file, List<String> lines) throws IOException {
        write(file, out -> {
            for (String l : lines) {
                out.write(l.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        });
    }

    /**
     * An I/O failure in words: "No space left on device" rather than the exception's class.
     *
     * @param e the failure
     * @return its reason in words
     */
    public static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof FileSystemException f) {
            m = f.getReason();
            if (m == null || m.isBlank()) m = inWords(f);
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /**
     * A failure's message in words: a file system exception the JDK gives no reason for (its
     * message is the bare path) says what happened to which path.
     *
     * @param e the failure
     * @return its message in words
     */
    public static String message(Throwable e) {
        if (e instanceof FileSystemException f && (f.getReason() == null || f.getReason().isBlank())) return inWords(f);
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** What the JDK's reason-less file system exceptions mean, naming the path they concern. */
    private static String inWords(FileSystemException f) {
        String path = f.getFile() == null ? "a path" : f.getFile();
        if (f instanceof java.nio.file.FileAlreadyExistsException) {
            return path + " exists and is " + FileKind.describe(java.nio.file.Path.of(path)) + ", not a folder";
        }
        if (f instanceof java.nio.file.AccessDeniedException) return "permission denied on " + path;
        if (f instanceof java.nio.file.NoSuchFileException) return path + ": no such file or folder (or none can be made there)";
        if (f instanceof java.nio.file.NotDirectoryException) return path + " is not a folder";
        return f.getClass().getSimpleName() + " on " + path;
    }

    private static void readableByAll(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
