package org.marquee.dataset;

import org.marquee.engine.io.FileKind;
import org.marquee.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ordered list of genre names a model predicts; index i is output i. The order is
 * alphabetical (by {@link String#compareTo}), so it depends only on the set of genres, never on
 * row order. Saved as a UTF-8 text file, one name per line, next to whatever depends on it.
 */
public final class GenreVocabulary {
    /**
     * The 27 genres of the real MovieGenre.csv from 2000 on, alphabetical: the labels of the poster
     * model unless the user asks for a vocabulary derived from the data.
     */
    public static final List<String> STANDARD_NAMES = List.of("Action", "Adult", "Adventure", "Animation", "Biography",
            "Comedy", "Crime", "Documentary", "Drama", "Family", "Fantasy", "Game-Show", "History", "Horror", "Music",
            "Musical", "Mystery", "News", "Reality-TV", "Romance", "Sci-Fi", "Short", "Sport", "Talk-Show",
            "Thriller", "War", "Western");
    public static final GenreVocabulary STANDARD = new GenreVocabulary(STANDARD_NAMES);

    private final List<String> names;
    private final Map<String, Integer> index = new HashMap<>();

    public GenreVocabulary(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("a genre vocabulary needs at least one genre");
        }
        this.names = List.copyOf(names);
        for (int i = 0; i < this.names.size(); i++) {
            String name = this.names.get(i);
            if (name.isBlank() || !name.equals(name.strip()) || name.contains("\n") || name.contains("|")) {
                throw new IllegalArgumentException("bad genre name \"" + name + "\" at position " + i);
            }
            if (index.put(name, i) != null) {
                throw new IllegalArgumentException("genre \"" + name + "\" appears twice in the vocabulary");
            }
        }
    }

    /** Every genre of these movies, in alphabetical order. */
    public static GenreVocabulary of(Collection<MovieRecord> movies) {
        TreeSet<String> all = new TreeSet<>();
        movies.forEach(m -> all.addAll(m.genres()));
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no movies, so no genres: check the CSV and the minimum year");
        }
        return new GenreVocabulary(List.copyOf(all));
    }

    public int size() {
        return names.size();
    }

    public List<String> names() {
        return names;
    }

    public String name(int i) {
        return names.get(i);
    }

    /** The genre's index, or -1 when it is not in the vocabulary. */
    public int indexOf(String genre) {
        return index.getOrDefault(genre, -1);
    }

    /** Multi-hot labels: 1 at each genre's index, 0 elsewhere. */
    public float[] encode(List<String> genres) {
        float[] out = new float[size()];
        encode(genres, out, 0);
        return out;
    }

    /** Writes multi-hot labels into out[offset .. offset+size()). */
    public void encode(List<String> genres, float[] out, int offset) {
        java.util.Arrays.fill(out, offset, offset + size(), 0f);
        for (String g : genres) {
            int i = indexOf(g);
            if (i < 0) {
                throw new IllegalArgumentException("genre \"" + g + "\" is not in the vocabulary " + names);
            }
            out[offset + i] = 1f;
        }
    }

    public void save(Path file) throws IOException {
        AtomicFiles.writeLines(file, names);
    }

    public static GenreVocabulary load(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(FileKind.readBounded(file, "genre list", 16L << 20)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        List<String> lines = List.of(text.split("\\R", -1));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines = lines.subList(0, lines.size() - 1);
        try {
            return new GenreVocabulary(lines.stream().filter(l -> !l.isEmpty()).toList());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a genre vocabulary: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenreVocabulary v && v.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.size() + " genres " + names;
    }
}
