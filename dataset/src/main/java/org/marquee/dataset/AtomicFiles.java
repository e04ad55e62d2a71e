package org.marquee.dataset;

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
 * the temporary file, and throws a {@link WriteFailedException} that names the target.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What writes the file's bytes. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** The file could not be written; the message names it and says why, in the system's words. */
    public static final class WriteFailedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Path file;

        public WriteFailedException(Path file, IOException cause) {
            super("could not write " + file + ": " + reason(cause) + " (an earlier " + file.getFileName() + ", if any, is unchanged)",
                    cause);
            this.file = file;
        }

        public Path file() { return file; }
    }

    public static void write(Path file, Body body) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            FileKind.requireReplaceable(file, "the target");
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.write(out);
            }
            readableByAll(tmp);   // temporary files are created owner-only
            FileKind.requireReplaceable(file, "the target");   // again: it may have become a device or a folder meanwhile
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (WriteFailedException e) {
            throw e;
        } catch (IOException e) {
            throw new WriteFailedException(file, e);
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path file, String text) throws IOException {
        write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The lines, each ended by '\n', in UTF-8. */
    public static void writeLines(Path file, List<String> lines) throws IOException {
        write(file, out -> {
            for (String l : lines) {
                out.write(l.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        });
    }

    /** An I/O failure in words: "No space left on device" rather than the exception's class. */
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
