package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decodes every real poster; skipped when no shared/data folder is found. Half a minute of work,
 * so it runs with the integration tests ({@code mvn verify}, failsafe), not with {@code mvn test}.
 */
class RealPostersIT {
    static Path data;

    @BeforeAll
    static void locate() {
        data = DataLocation.find().orElse(null);
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
