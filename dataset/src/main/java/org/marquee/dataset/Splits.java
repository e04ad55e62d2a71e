package org.marquee.dataset;

import java.util.Arrays;

/**
 * Train / validation / test split of a data set by a seeded shuffle of its imdbIds: the ids are
 * sorted, shuffled (Fisher-Yates with {@link SplitMix}) and cut by the fractions, so the same ids
 * and seed give the same split on every run and JVM, whatever order the ids came in. Each part
 * holds positions into the id array, ascending.
 */
public record Splits(int[] train, int[] validation, int[] test) {
    public static final double DEFAULT_TRAIN = 0.6;
    public static final double DEFAULT_VALIDATION = 0.2;

    public Splits {
        train = train.clone();
        validation = validation.clone();
        test = test.clone();
    }

    /** 60 / 20 / 20. */
    public static Splits of(long[] ids, long seed) {
        return of(ids, DEFAULT_TRAIN, DEFAULT_VALIDATION, seed);
    }

    /** trainFraction and validationFraction of the ids (rounded), the test part takes the rest. */
    public static Splits of(long[] ids, double trainFraction, double validationFraction, long seed) {
        if (!(trainFraction >= 0 && validationFraction >= 0 && trainFraction + validationFraction <= 1 + 1e-9)) {
            throw new IllegalArgumentException("fractions must be >= 0 and sum to at most 1: train "
                    + trainFraction + ", validation " + validationFraction);
        }
        int n = ids.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(ids[a], ids[b]));
        for (int i = 1; i < n; i++) {
            if (ids[order[i]] == ids[order[i - 1]]) {
                throw new IllegalArgumentException("imdbId " + ids[order[i]] + " appears twice; ids must be distinct");
            }
        }
        SplitMix rng = new SplitMix(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Integer t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nTrain = (int) Math.round(n * trainFraction);
        int nValidation = Math.min(n - nTrain, (int) Math.round(n * validationFraction));
        return new Splits(part(order, 0, nTrain), part(order, nTrain, nTrain + nValidation),
                part(order, nTrain + nValidation, n));
    }

    private static int[] part(Integer[] order, int from, int to) {
        int[] p = new int[to - from];
        for (int i = from; i < to; i++) {
            p[i - from] = order[i];
        }
        Arrays.sort(p);
        return p;
    }

    public int total() {
        return train.length + validation.length + test.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Splits s && Arrays.equals(s.train, train) && Arrays.equals(s.validation, validation)
                && Arrays.equals(s.test, test);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(train) * 31 * 31 + Arrays.hashCode(validation) * 31 + Arrays.hashCode(test);
    }

    @Override
    public String toString() {
        return String.format("splits: train %,d, validation %,d, test %,d", train.length, validation.length, test.length);
    }
}
