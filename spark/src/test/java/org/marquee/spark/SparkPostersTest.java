package org.marquee.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.app.cluster.DataRequest;
import org.marquee.app.data.DataLoader;
import org.marquee.app.data.LoadedData;

/** The real catalogue read through Spark: the same posters and split as the poster cache, and bad files named or counted. */
class SparkPostersTest {
    static JavaSparkContext sc;
    @TempDir Path dir;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void start() {
        SparkJava.assumeSparkStarts();
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("marquee-test").set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.close();
    }

    /** 20 movies from 2005; posters 1..12 are JPEGs, 13 is text, 14 a JPEG cut in half, 15..20 are missing. */
    private Path catalogue() throws IOException {
        StringBuilder csv = new StringBuilder("imdbId,Imdb Link,Title,IMDB Score,Genre,Poster\n");
        Path posters = Files.createDirectories(dir.resolve("posters"));
        for (int id = 1; id <= 20; id++) {
            csv.append(id).append(",l,Movie ").append(id).append(" (2005),6.0,").append(id % 2 == 0 ? "Drama" : "Comedy|Action").append(",\n");
            if (id <= 12 || id == 14) {
                BufferedImage img = new BufferedImage(30, 40, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 40; y++) for (int x = 0; x < 30; x++) img.setRGB(x, y, (id * 40 + x * 7) << 8 | y * 5);
                ImageIO.write(img, "jpg", posters.resolve(id + ".jpg").toFile());
                if (id == 14) {
                    byte[] all = Files.readAllBytes(posters.resolve(id + ".jpg"));
                    Files.write(posters.resolve(id + ".jpg"), java.util.Arrays.copyOf(all, all.length / 2));
                }
            } else if (id == 13) {
                Files.writeString(posters.resolve(id + ".jpg"), "not a poster");
            }
        }
        Files.writeString(dir.resolve("MovieGenre.csv"), csv.toString(), StandardCharsets.ISO_8859_1);
        return dir;
    }

    @Test
    void readsThePostersTheCacheWouldHoldAndCountsTheOthers() throws IOException {
        Path data = catalogue();
        try (SparkCluster cluster = new SparkCluster(sc, 2)) {
            LoadedData spark = cluster.load(new DataRequest(data.toUri().toString(), null, 0, 1000, 7, false), 16, out);
            String text = console.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("12 decoded and cached on the executors, 8 left out {missing=6, not an image=1, truncated=1}"), text);
            assertTrue(text.contains("13.jpg: not a JPEG or PNG image"), text);
            try (LoadedData local = new DataLoader(new PrintStream(new ByteArrayOutputStream())).real(data.toString(), null, 0, 16,
                    dir.resolve("p.cache"), 7)) {
                assertEquals(local.all().size(), spark.all().size());
                assertEquals(local.leftOut(), spark.leftOut(), "the left-out posters and reasons, for left-out.csv");
                assertEquals(8, spark.leftOut().size());
                for (int i = 0; i < local.all().size(); i++) assertEquals(local.all().id(i), spark.all().id(i), "poster " + i);
                int[] all = new int[local.all().size()];
                for (int i = 0; i < all.length; i++) all[i] = i;
                int per = local.all().pixelsPerImage(), g = local.genres().size();
                float[] pixelsHere = new float[all.length * per], pixelsThere = new float[all.length * per];
                float[] labelsHere = new float[all.length * g], labelsThere = new float[all.length * g];
                local.all().fillBatch(all, pixelsHere, labelsHere);
                spark.all().fillBatch(all, pixelsThere, labelsThere);
                org.junit.jupiter.api.Assertions.assertArrayEquals(pixelsHere, pixelsThere, "the pixels of the poster cache");
                org.junit.jupiter.api.Assertions.assertArrayEquals(labelsHere, labelsThere);
                assertEquals(local.train().ids().length, spark.train().ids().length);
                org.junit.jupiter.api.Assertions.assertArrayEquals(local.validation().ids(), spark.validation().ids(), "the same split");
            }
        }
    }

    @Test
    void aMissingPostersFolderIsAnErrorNamingIt() throws IOException {
        Path data = catalogue();
        Path nowhere = dir.resolve("no-posters-here");
        try (SparkCluster cluster = new SparkCluster(sc, 2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> cluster.load(
                    new DataRequest(data.toString(), nowhere.toString(), 0, 1000, 7, false), 16, out));
            assertTrue(e.getMessage().contains("posters folder") && e.getMessage().contains("no-posters-here"), e.getMessage());
            var missingCsv = assertThrows(IllegalArgumentException.class, () -> cluster.load(
                    new DataRequest(dir.resolve("nothing.csv").toString(), null, 0, 1000, 7, false), 16, out));
            assertTrue(missingCsv.getMessage().contains("nothing.csv"), missingCsv.getMessage());
        }
    }

    @Test
    void aDataUriSparkCannotOpenNamesTheOptionThePathAndTheCause() {
        try (SparkCluster cluster = new SparkCluster(sc, 2)) {
            String[][] cases = {
                {"bogus://host/data", "--data bogus://host/data: no file system for the scheme \"bogus\" is known here"},
                {"s3a://bucket/data", "--data s3a://bucket/data: the file system for \"s3a:\" is not on the class path"},
                {"hdfs://[bad/data", "--data hdfs://[bad/data: not a valid URI"},
            };
            for (String[] c : cases) {
                var e = assertThrows(IllegalArgumentException.class, () -> cluster.load(new DataRequest(c[0], null, 0, 1000, 7, false), 16, out));
                assertTrue(e.getMessage().startsWith(c[1]), e.getMessage());
            }
        }
    }

    @Test
    void aRefusedConnectionIsPutInWords() {
        String m = SparkPaths.failure("--data", "hdfs://127.0.0.1:1/x", new java.io.IOException("Call From a to b failed",
                new java.net.ConnectException("Connection refused"))).getMessage();
        assertEquals("--data hdfs://127.0.0.1:1/x: cannot connect to its server (connection refused: is it running, and is the port right?)", m);
    }
}
