package org.marquee.engine.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * What a path is (a regular file, a folder, a FIFO, a device, a socket, or nothing) and the checks
 * every reader and writer of the project makes before touching it: a reader opens only a regular
 * file (opening a FIFO blocks for good, a device such as /dev/zero never ends), reads a bounded
 * number of bytes, and a writer never replaces anything but a regular file.
 */
public enum FileKind {
    /** Nothing at the path. */
    MISSING("does not exist"),
    /** A regular file. */
    REGULAR("a regular file"),
    /** A folder. */
    FOLDER("a folder"),
    /** A FIFO (named pipe): opening it for reading blocks until a writer comes. */
    FIFO("a FIFO (named pipe)"),
    /** A character device such as /dev/zero, which may never end. */
    CHARACTER_DEVICE("a character device"),
    /** A block device. */
    BLOCK_DEVICE("a block device"),
    /** A socket. */
    SOCKET("a socket"),
    /** Something else that is not a regular file. */
    OTHER("not a regular file");

    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /**
     * What this kind is in words ("a FIFO (named pipe)").
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * What {@code path} is, links followed.
     *
     * @param path the path
     * @return its kind
     */
    public static FileKind of(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (a.isRegularFile()) return REGULAR;
            if (a.isDirectory()) return FOLDER;
            return ofMode(path);
        } catch (NoSuchFileException e) {
            return MISSING;
        } catch (IOException | UnsupportedOperationException e) {
            return Files.isRegularFile(path) ? REGULAR : Files.isDirectory(path) ? FOLDER : Files.exists(path) ? OTHER : MISSING;
        }
    }

    private static FileKind ofMode(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return switch (mode & 0170000) {
                case 0010000 -> FIFO;
                case 0020000 -> CHARACTER_DEVICE;
                case 0060000 -> BLOCK_DEVICE;
                case 0140000 -> SOCKET;
                default -> OTHER;
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return OTHER;
        }
    }

    /**
     * "a FIFO (named pipe)", or "a link to a character device (/dev/zero)" when {@code path} is a
     * symbolic link: how messages say what a path is.
     *
     * @param path the path
     * @return what it is, in words
     */
    public static String describe(Path path) {
        FileKind kind = of(path);
        if (Files.isSymbolicLink(path)) {
            String target;
            try {
                target = Files.readSymbolicLink(path).toString();
            } catch (IOException e) {
                target = "?";
            }
            return kind == MISSING ? "a broken link (to " + target + ")" : "a link to " + kind.description + " (" + target + ")";
        }
        return kind.description;
    }

    /** Thrown when a path that must be a regular file is something else; the message says what it is. */
    public static final class NotARegularFileException extends FileSystemException {
        private static final long serialVersionUID = 1L;
        /** What the path is. */
        private final FileKind kind;

        /**
         * A path that is not a regular file.
         *
         * @param path the path
         * @param role what it was meant to be ("the poster cache")
         * @param kind what it is
         * @param what the rest of the message ("is a folder")
         */
        public NotARegularFileException(Path path, String role, FileKind kind, String what) {
            super(path.toString(), null, role + " " + what + ", not a regular file");
            this.kind = kind;
        }

        /**
         * What the path is.
         *
         * @return its kind
         */
        public FileKind kind() {
            return kind;
        }
    }

    /** A file larger than a reader accepts. */
    public static final class TooLargeException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        /**
         * A file or stream longer than a reader accepts.
         *
         * @param location the file or stream
         * @param role what it is ("checkpoint")
         * @param maxBytes the most bytes accepted
         */
        public TooLargeException(String location, String role, long maxBytes) {
            super(location, null, String.format(Locale.ROOT, "%s is larger than %,d bytes, the most this reader accepts",
                    role, maxBytes));
        }
    }

    /**
     * Checks that {@code path} can be opened for reading: a missing path is a
     * {@link NoSuchFileException}, anything but a regular file (links followed) a
     * {@link NotARegularFileException} saying what it is. {@code role} names it ("checkpoint", "poster").
     *
     * @param path the path
     * @param role what it is meant to be
     * @throws IOException when it is missing or not a regular file
     */
    public static void requireReadable(Path path, String role) throws IOException {
        FileKind kind = of(path);
        if (kind == MISSING) throw new NoSuchFileException(path.toString(), null, role + " does not exist");
        if (kind != REGULAR) throw new NotARegularFileException(path, role, kind, "is " + describe(path));
    }

    /**
     * Checks that {@code path} may be replaced by a writer: it is missing or a regular file (or a
     * link to one, which the writer replaces by the file). A folder, a device, a FIFO or a socket is
     * never replaced.
     *
     * @param path the path
     * @param role what it is meant to be
     * @throws IOException when it exists and is not a regular file
     */
    public static void requireReplaceable(Path path, String role) throws IOException {
        FileKind kind = of(path);
        if (kind == MISSING && Files.isSymbolicLink(path)) {
            return;   // a broken link is replaced like a file
        }
        if (kind != MISSING && kind != REGULAR) {
            throw new NotARegularFileException(path, role, kind, "is " + describe(path) + "; it is never replaced, give a file path");
        }
    }

    /**
     * The bytes of a regular file, at most {@code maxBytes} of them: a path that is not a regular
     * file is refused before it is opened (see {@link #requireReadable}), a longer file is a
     * {@link TooLargeException} after reading no more than maxBytes + 1 bytes.
     *
     * @param path the file
     * @param role what it is meant to be
     * @param maxBytes the most bytes accepted
     * @return its bytes
     * @throws IOException when it cannot be read, is not a regular file or is too large
     */
    public static byte[] readBounded(Path path, String role, long maxBytes) throws IOException {
        requireReadable(path, role);
        int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
        try (InputStream in = Files.newInputStream(path)) {
            return readBounded(in, path.toString(), role, cap);
        }
    }

    /**
     * At most maxBytes of a stream (not closed), else a {@link TooLargeException} naming {@code location}.
     *
     * @param in the stream
     * @param location where it comes from, for messages
     * @param role what it is meant to be
     * @param maxBytes the most bytes accepted
     * @return the bytes
     * @throws IOException when reading fails or the stream is too long
     */
    public static byte[] readBounded(InputStream in, String location, String role, long maxBytes) throws IOException {
        return readBounded(in, location, role, (int) Math.min(maxBytes, Integer.MAX_VALUE - 16));
    }

    private static byte[] readBounded(InputStream in, String location, String role, int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, 1 << 16) + 1);
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, maxBytes + 1L - total))) > 0) {
            out.write(buffer, 0, n);
            total += n;
            if (total > maxBytes) throw new TooLargeException(location, role, maxBytes);
        }
        return out.toByteArray();
    }
}
