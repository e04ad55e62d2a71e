package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenreVocabularyTest {
    @TempDir
    Path dir;

    private static MovieRecord movie(long id, String... genres) {
        return new MovieRecord(id, "M (2001)", 2001, null, List.of(genres), null);
    }

    @Test
    void orderIsAlphabeticalWhateverTheRowOrder() {
        GenreVocabulary a = GenreVocabulary.of(List.of(movie(1, "War", "Drama"), movie(2, "Action")));
        GenreVocabulary b = GenreVocabulary.of(List.of(movie(2, "Action"), movie(1, "Drama", "War")));
        assertEquals(List.of("Action", "Drama", "War"), a.names());
        assertEquals(a, b);
    }

    @Test
    void multiHotEncoding() {
        GenreVocabulary v = new GenreVocabulary(List.of("Action", "Drama", "War"));
        assertArrayEquals(new float[] {1, 0, 1}, v.encode(List.of("War", "Action")));
        float[] out = {9, 9, 9, 9, 9};
        v.encode(List.of("Drama"), out, 1);
        assertArrayEquals(new float[] {9, 0, 1, 0, 9}, out);
        assertThrows(IllegalArgumentException.class, () -> v.encode(List.of("Western")));
    }

    @Test
    void savesAndLoads() throws IOException {
        GenreVocabulary v = new GenreVocabulary(List.of("Action", "Sci-Fi", "Talk-Show"));
        Path f = dir.resolve("genres.txt");
        v.save(f);
        assertEquals(v, GenreVocabulary.load(f));
        Files.writeString(f, "Action\nAction\n");
        assertThrows(IOException.class, () -> GenreVocabulary.load(f));
    }
}
