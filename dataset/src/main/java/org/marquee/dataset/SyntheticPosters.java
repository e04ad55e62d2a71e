package org.marquee.dataset;

import java.util.Arrays;
import java.util.List;

/**
 * The built-in data set: deterministic poster-like images, each with 1 to 3 of the 27 genres,
 * drawn by {@link PosterPainter} with genre-specific cues. Poster {@code i} depends only on
 * (seed, i), so any index can be produced on its own, in any order, on any thread.
 *
 * <p>Genre frequencies follow the real data. GENRE_COUNTS and CARDINALITY_COUNTS were counted
 * from MovieGenre.csv, movies from 2000 on, first row per imdbId, rows without genre dropped
 * (19,259 movies) - the same rows {@link MovieGenreCsv#read} keeps - with:
 * <pre>
 * python3 -c "import csv,re,collections as C; s=set(); k=[]
 * for r in list(csv.reader(open('MovieGenre.csv',encoding='iso-8859-1')))[1:]:
 *   y=re.findall(r'\((\d{4})\)',r[2])
 *   if y and int(y[-1])>=2000 and r[4].strip() and r[0] not in s: s.add(r[0]); k.append(r[4].split('|'))
 * print(sorted(C.Counter(g for x in k for g in x).items()), C.Counter(map(len,k)))"
 * </pre>
 * A poster first draws how many genres it has (1, 2 or 3, weighted by CARDINALITY_COUNTS), then
 * draws that many distinct genres, each with probability proportional to its count among those
 * not yet drawn.
 */
public final class SyntheticPosters implements PosterDataset {
    /** The 27 genres of the real data from 2000 on, in vocabulary (alphabetical) order. */
    public static final List<String> GENRES = GenreVocabulary.STANDARD_NAMES;
    /** Movies per genre in the real data (2000 on), same order as GENRES. */
    static final int[] GENRE_COUNTS = {2664, 3, 1626, 951, 1125, 5975, 2276, 2678, 9465, 1013, 865, 1, 638, 2051,
            653, 205, 1184, 76, 2, 2761, 914, 353, 369, 4, 2792, 351, 90};
    /** Movies with 1, 2 and 3 genres in the real data (2000 on). */
    static final int[] CARDINALITY_COUNTS = {5449, 5794, 8016};

    private static final GenreVocabulary VOCABULARY = new GenreVocabulary(GENRES);
    /** RANK[g]: genre g's place by real frequency (0 = Drama); the painter's cues follow it. */
    static final int[] RANK = ranks(GENRE_COUNTS);

    private final int count;
    private final int imageSize;
    private final long seed;
    private final PosterPainter painter;

    public SyntheticPosters(int count, int imageSize, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1: " + count);
        }
        if (imageSize < 16 || imageSize > 1024) {
            throw new IllegalArgumentException("synthetic image size must be in 16..1024: " + imageSize);
        }
        this.count = count;
        this.imageSize = imageSize;
        this.seed = seed;
        this.painter = new PosterPainter(imageSize);
    }

    public long seed() {
        return seed;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public GenreVocabulary genres() {
        return VOCABULARY;
    }

    @Override
    public long id(int index) {
        check(index);
        return index;
    }

    /** Genre indices of poster {@code index}: 1 to 3 distinct values, in the order drawn. */
    public int[] genreIndices(int index) {
        check(index);
        SplitMix rng = new SplitMix(SplitMix.mix(seed ^ SplitMix.mix(2L * index + 1)));
        int k = 1 + pick(rng, CARDINALITY_COUNTS, new boolean[CARDINALITY_COUNTS.length]);
        boolean[] taken = new boolean[GENRE_COUNTS.length];
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = pick(rng, GENRE_COUNTS, taken);
            taken[out[i]] = true;
        }
        return out;
    }

    /** Multi-hot labels (27) of poster {@code index}. */
    public float[] labels(int index) {
        float[] out = new float[GENRES.size()];
        for (int g : genreIndices(index)) {
            out[g] = 1f;
        }
        return out;
    }

    /** Poster {@code index} as (3, S, S) floats in [0, 1]. */
    public float[] image(int index) {
        float[] out = new float[pixelsPerImage()];
        image(index, out, 0);
        return out;
    }

    /** Writes poster {@code index} into out[offset ..] as (3, S, S). */
    public void image(int index, float[] out, int offset) {
        int[] genres = genreIndices(index);
        int[] cues = new int[genres.length];
        for (int i = 0; i < genres.length; i++) {
            cues[i] = RANK[genres[i]];
        }
        painter.paint(cues, new SplitMix(SplitMix.mix(seed ^ SplitMix.mix(2L * index + 2))), out, offset);
    }

    @Override
    public void fillBatch(int[] indices, float[] pixels, float[] labels) {
        int g = GENRES.size();
        int ppi = pixelsPerImage();
        if (pixels.length < indices.length * ppi || labels.length < indices.length * g) {
            throw new IllegalArgumentException("batch of " + indices.length + " needs " + indices.length * ppi
                    + " pixels and " + indices.length * g + " labels; got " + pixels.length + " and " + labels.length);
        }
        for (int n = 0; n < indices.length; n++) {
            image(indices[n], pixels, n * ppi);
            writeLabels(indices[n], labels, n * g);
        }
    }

    /** Labels are drawn from the index alone: no poster is painted. */
    @Override
    public void fillLabels(int[] indices, float[] labels) {
        int g = GENRES.size();
        if (labels.length < indices.length * g) {
            throw new IllegalArgumentException("batch of " + indices.length + " needs " + indices.length * g + " labels; got "
                    + labels.length);
        }
        for (int n = 0; n < indices.length; n++) writeLabels(indices[n], labels, n * g);
    }

    private void writeLabels(int index, float[] labels, int offset) {
        Arrays.fill(labels, offset, offset + GENRES.size(), 0f);
        for (int k : genreIndices(index)) {
            labels[offset + k] = 1f;
        }
    }

    private static int[] ranks(int[] counts) {
        Integer[] order = new Integer[counts.length];
        for (int i = 0; i < counts.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Integer.compare(counts[b], counts[a]) : Integer.compare(a, b));
        int[] rank = new int[counts.length];
        for (int r = 0; r < counts.length; r++) {
            rank[order[r]] = r;
        }
        return rank;
    }

    /** Draws an index with probability weight[i] among those not taken. */
    private static int pick(SplitMix rng, int[] weight, boolean[] taken) {
        long total = 0;
        for (int i = 0; i < weight.length; i++) {
            total += taken[i] ? 0 : weight[i];
        }
        long r = (long) (rng.nextDouble() * total);
        for (int i = 0; i < weight.length; i++) {
            if (!taken[i]) {
                r -= weight[i];
                if (r < 0) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("weights exhausted");
    }

    private void check(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("synthetic poster " + index + " not in 0.." + (count - 1));
        }
    }

    @Override
    public String toString() {
        return String.format("%,d synthetic posters %dx%d (seed %d)", count, imageSize, imageSize, seed);
    }
}
