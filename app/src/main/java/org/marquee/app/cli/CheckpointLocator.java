package org.marquee.app.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoint {@code evaluate} and {@code predict} use when no {@code -c} is given: the
 * {@code best.ckpt} of the most recently trained run, that is the most recently modified
 * {@code runs/*}{@code /best.ckpt} under the working directory.
 */
public final class CheckpointLocator {
    /** The folder whose sub-folders are runs, relative to the working directory. */
    public static final Path RUNS = Path.of("runs");
    public static final String BEST = "best.ckpt";
    /** How the default reads in --help. */
    public static final String DEFAULT_DESCRIPTION = "the most recently modified runs/*/" + BEST;

    private CheckpointLocator() {}

    /** {@code given} when the user gave one, otherwise the latest run's best checkpoint under {@link #RUNS}. */
    public static Path orLatest(Path given) {
        return given != null ? given : latest(RUNS);
    }

    /**
     * The most recently modified {@code <runs>/<run>/best.ckpt} (ties go to the run whose name sorts
     * last), or an {@link IllegalArgumentException} saying where it looked.
     */
    public static Path latest(Path runs) {
        return find(runs).orElseThrow(() -> new IllegalArgumentException("no checkpoint given and none found: looked for "
                + runs.resolve("*").resolve(BEST) + " in " + runs.toAbsolutePath().normalize()
                + (Files.isDirectory(runs) ? " (" + runFolders(runs) + ")" : " (no such folder)")
                + "; train a model first, or give one with -c FILE"));
    }

    /** The latest run's best checkpoint under {@code runs}, if any run has one. */
    public static Optional<Path> find(Path runs) {
        if (!Files.isDirectory(runs)) return Optional.empty();
        List<Candidate> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs, Files::isDirectory)) {
            for (Path dir : dirs) {
                Path best = dir.resolve(BEST);
                if (Files.isRegularFile(best)) found.add(new Candidate(best, Files.getLastModifiedTime(best)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runs + ": " + e.getMessage(), e);
        }
        return found.stream()
                .max(Comparator.comparing(Candidate::modified).thenComparing(c -> c.file().getParent().getFileName().toString()))
                .map(Candidate::file);
    }

    private record Candidate(Path file, FileTime modified) {}

    /** "no run folders" or "3 run folders, none with best.ckpt: a, b, c". */
    private static String runFolders(Path runs) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs, Files::isDirectory)) {
            for (Path dir : dirs) names.add(dir.getFileName().toString());
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
        if (names.isEmpty()) return "no run folders";
        names.sort(null);
        return names.size() + " run folder" + (names.size() == 1 ? "" : "s") + ", none with " + BEST + ": " + String.join(", ", names);
    }
}
