package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks against the real Kaggle CSV and which posters it has; skipped when no shared/data folder
 * is found. {@link RealPostersIT} decodes the posters.
 */
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
}
