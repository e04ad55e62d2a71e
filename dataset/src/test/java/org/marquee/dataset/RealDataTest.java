package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks against the real Kaggle data; skipped when no shared/data folder is found. */
class RealDataTest {
    static Path data;

    @BeforeAll
    static void locate() {
        data = DataLocation.find().orElse(null);
    }

    @Test
    void csvCounts() throws IOException {
        Assumptions.assumeTrue(data != null, "no shared/data/MovieGenre.csv found");
        Path csv = data.resolve(DataLocation.CSV_NAME);
        MovieGenreCsv.Catalogue all = MovieGenreCsv.read(csv, CatalogueOptions.defaults().withMinYear(0));
        assertEquals(37_291, all.report().rowsRead());

        MovieGenreCsv.Catalogue c = MovieGenreCsv.read(csv);
        ReadReport r = c.report();
        assertEquals(37_291, r.rowsRead());
        int from2000 = r.rowsKept() + r.count(ReadReport.Reason.NO_GENRE) + r.count(ReadReport.Reason.DUPLICATE_ID);
        assertEquals(19_724, from2000);
        assertEquals(19_309, r.rowsKept() + r.count(ReadReport.Reason.NO_GENRE)); // distinct ids from 2000 on
        assertEquals(50, r.count(ReadReport.Reason.NO_GENRE));
        assertEquals(19_259, c.movies().size());
        assertEquals(0, r.count(ReadReport.Reason.BAD_SCORE) + r.count(ReadReport.Reason.WRONG_FIELD_COUNT)
                + r.count(ReadReport.Reason.BAD_IMDB_ID) + r.count(ReadReport.Reason.BAD_GENRE));
        assertEquals(486, r.count(ReadReport.Reason.NO_YEAR_IN_TITLE));
        assertEquals(27, c.vocabulary().size());
        assertEquals(SyntheticPosters.GENRES, c.vocabulary().names());
        assertTrue(c.movies().stream().allMatch(m -> m.year() >= 2000 && m.genres().size() <= 3));
        Set<Long> ids = new HashSet<>();
        c.movies().forEach(m -> assertTrue(ids.add(m.imdbId())));
        // every poster belongs to a kept movie
        long withPoster = PosterSource.of(c.movies(), data.resolve(DataLocation.POSTERS)).stream()
                .filter(s -> Files.isRegularFile(s.file())).count();
        assertEquals(9_184, withPoster);
    }

    @Test
    void everyPosterDecodesAndResizes() throws IOException {
        Assumptions.assumeTrue(data != null, "no shared/data found");
        Path dir = data.resolve(DataLocation.POSTERS);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        assertEquals(9_184, files.size());
        PosterImages images = new PosterImages(224);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long nonBlank = files.parallelStream().filter(f -> {
            try {
                byte[] px = images.loadBytes(f);
                int min = 255;
                int max = 0;
                for (byte b : px) {
                    min = Math.min(min, b & 0xFF);
                    max = Math.max(max, b & 0xFF);
                }
                return px.length == 3 * 224 * 224 && max > min;
            } catch (PosterException e) {
                failures.add(e.getMessage());
                return false;
            }
        }).count();
        System.out.printf("decoded and resized %,d posters to 224x224 in %.1f s%n", files.size(),
                (System.nanoTime() - start) / 1e9);
        assertEquals(List.of(), failures);
        assertEquals(9_184, nonBlank);
    }
}
