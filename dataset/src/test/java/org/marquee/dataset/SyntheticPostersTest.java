package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SyntheticPostersTest {
    @Test
    void deterministicBySeedAndIndexInAnyOrder() {
        SyntheticPosters a = new SyntheticPosters(100, 64, 5);
        SyntheticPosters b = new SyntheticPosters(100, 64, 5);
        float[] later = b.image(37);
        b.image(3);
        assertArrayEquals(a.image(37), later);
        assertArrayEquals(a.labels(37), b.labels(37));
        assertFalse(Arrays.equals(a.image(37), new SyntheticPosters(100, 64, 6).image(37)));
        assertFalse(Arrays.equals(a.image(37), a.image(38)));
    }

    @Test
    void oneToThreeGenresValuesInUnitRange() {
        SyntheticPosters p = new SyntheticPosters(200, 48, 1);
        for (int i = 0; i < 200; i++) {
            int[] g = p.genreIndices(i);
            assertTrue(g.length >= 1 && g.length <= 3);
            assertEquals(g.length, Arrays.stream(g).distinct().count());
            float sum = 0;
            for (float v : p.labels(i)) {
                sum += v;
            }
            assertEquals(g.length, sum);
        }
        for (float v : p.image(0)) {
            assertTrue(v >= 0 && v <= 1);
        }
        assertEquals(27, p.genres().size());
        assertThrows(IndexOutOfBoundsException.class, () -> p.image(200));
    }

    @Test
    void labelsAloneMatchTheBatchAndTheDefaultPath() {
        SyntheticPosters p = new SyntheticPosters(150, 16, 4);
        int g = p.genres().size();
        int[] idx = new int[150];
        for (int i = 0; i < idx.length; i++) idx[i] = idx.length - 1 - i;
        float[] fromBatch = new float[idx.length * g];
        p.fillBatch(idx, new float[idx.length * p.pixelsPerImage()], fromBatch);
        float[] alone = new float[idx.length * g];
        p.fillLabels(idx, alone);
        assertArrayEquals(fromBatch, alone);
        // the interface's default (batches of 64 through fillBatch) gives the same
        PosterDataset plain = new PosterDataset() {
            @Override public int size() { return p.size(); }
            @Override public int imageSize() { return p.imageSize(); }
            @Override public GenreVocabulary genres() { return p.genres(); }
            @Override public long id(int index) { return p.id(index); }
            @Override public void fillBatch(int[] indices, float[] pixels, float[] labels) { p.fillBatch(indices, pixels, labels); }
        };
        float[] viaDefault = new float[idx.length * g];
        plain.fillLabels(idx, viaDefault);
        assertArrayEquals(fromBatch, viaDefault);
    }

    @Test
    void batchMatchesSingleImages() {
        SyntheticPosters p = new SyntheticPosters(50, 32, 9);
        int[] idx = {4, 17, 4};
        float[] pixels = new float[3 * p.pixelsPerImage()];
        float[] labels = new float[3 * 27];
        Arrays.fill(labels, 7f);
        p.fillBatch(idx, pixels, labels);
        for (int n = 0; n < 3; n++) {
            assertArrayEquals(p.image(idx[n]), Arrays.copyOfRange(pixels, n * p.pixelsPerImage(), (n + 1) * p.pixelsPerImage()));
            assertArrayEquals(p.labels(idx[n]), Arrays.copyOfRange(labels, n * 27, (n + 1) * 27));
        }
    }

    @Test
    void genreFrequenciesAreShapedLikeTheRealData() {
        int n = 20_000;
        SyntheticPosters p = new SyntheticPosters(n, 32, 3);
        int[] counts = new int[27];
        int[] cardinality = new int[4];
        for (int i = 0; i < n; i++) {
            int[] g = p.genreIndices(i);
            cardinality[g.length]++;
            for (int k : g) {
                counts[k]++;
            }
        }
        // cardinality: 5449 / 5794 / 8016 of 19259 real movies
        assertEquals(5449.0 / 19259, cardinality[1] / (double) n, 0.015);
        assertEquals(8016.0 / 19259, cardinality[3] / (double) n, 0.015);
        int drama = SyntheticPosters.GENRES.indexOf("Drama");
        int comedy = SyntheticPosters.GENRES.indexOf("Comedy");
        assertTrue(counts[drama] > counts[comedy]);
        for (int g = 0; g < 27; g++) {
            if (g != drama) {
                assertTrue(counts[g] < counts[drama], SyntheticPosters.GENRES.get(g));
            }
            if (g != drama && g != comedy) {
                assertTrue(counts[g] < counts[comedy], SyntheticPosters.GENRES.get(g));
            }
        }
        // rank correlation with the real counts is strong for genres seen at least 50 times in the real data
        int common = 0;
        int agree = 0;
        for (int a = 0; a < 27; a++) {
            for (int b = a + 1; b < 27; b++) {
                if (SyntheticPosters.GENRE_COUNTS[a] >= 50 && SyntheticPosters.GENRE_COUNTS[b] >= 50
                        && Math.abs(SyntheticPosters.GENRE_COUNTS[a] - SyntheticPosters.GENRE_COUNTS[b]) > 100) {
                    common++;
                    agree += Integer.signum(SyntheticPosters.GENRE_COUNTS[a] - SyntheticPosters.GENRE_COUNTS[b])
                            == Integer.signum(counts[a] - counts[b]) ? 1 : 0;
                }
            }
        }
        assertEquals(common, agree);
    }

    @Test
    void eachGenreHasAUniqueShapeAndBand() {
        java.util.Set<Integer> cues = new java.util.HashSet<>();
        java.util.Set<Integer> ranks = new java.util.HashSet<>();
        for (int g = 0; g < 27; g++) {
            int c = SyntheticPosters.RANK[g];
            assertTrue(ranks.add(c));
            assertTrue(cues.add((c % 3) * 10 + c / 3)); // (band, shape) pairs are distinct
        }
        assertEquals(0, SyntheticPosters.RANK[SyntheticPosters.GENRES.indexOf("Drama")]);
        assertEquals(1, SyntheticPosters.RANK[SyntheticPosters.GENRES.indexOf("Comedy")]);
        assertEquals(2, SyntheticPosters.RANK[SyntheticPosters.GENRES.indexOf("Thriller")]);
        assertTrue(PosterPainter.inside(0, 0, 0) && !PosterPainter.inside(0, 0.9f, 0.9f));
        assertTrue(PosterPainter.inside(4, 0.9f, 0) && !PosterPainter.inside(4, 0, 0)); // ring has a hole
    }

    @Test
    void savesSamplePostersAsPng() throws IOException {
        SyntheticPosters p = new SyntheticPosters(16, 224, 11);
        Path dir = Files.createDirectories(Path.of("target", "synthetic-samples"));
        for (int i = 0; i < 16; i++) {
            String names = String.join("+", Arrays.stream(p.genreIndices(i))
                    .mapToObj(SyntheticPosters.GENRES::get).toList());
            Path f = dir.resolve(String.format("%02d-%s.png", i, names));
            ImageIO.write(PosterImages.toImage(p.image(i), 0, 224), "png", f.toFile());
            assertTrue(Files.size(f) > 1000);
        }
    }
}
