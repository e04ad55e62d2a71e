package org.marquee.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the real data folder (MovieGenre.csv and posters/). The environment variable
 * {@code MARQUEE_DATA} names it directly; otherwise every folder from the working directory
 * upwards is tried for {@code shared/data/MovieGenre.csv}, so a clone with ../shared beside it works.
 */
public final class DataLocation {
    public static final String ENV = "MARQUEE_DATA";
    public static final String CSV_NAME = "MovieGenre.csv";
    public static final String POSTERS = "posters";

    private DataLocation() {}

    /** The data folder, if one is found. */
    public static Optional<Path> find() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            Path dir = Path.of(env);
            return Files.isRegularFile(dir.resolve(CSV_NAME)) ? Optional.of(dir) : Optional.empty();
        }
        return findFrom(Path.of("").toAbsolutePath());
    }

    static Optional<Path> findFrom(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path data = dir.resolve("shared").resolve("data");
            if (Files.isRegularFile(data.resolve(CSV_NAME))) {
                return Optional.of(data);
            }
        }
        return Optional.empty();
    }
}
