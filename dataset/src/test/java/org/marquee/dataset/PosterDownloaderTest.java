package org.marquee.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the downloader against a real HTTP server on loopback. */
class PosterDownloaderTest {
    @TempDir
    Path dir;
    HttpServer server;
    String base;
    byte[] jpeg;
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        jpeg = Files.readAllBytes(TestPosters.write(dir.resolve("src.jpg"), 40, 60, Color.RED, Color.BLUE, "jpg"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        int hit = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        try (x) {
            switch (path) {
                case "/ok.jpg" -> send(x, 200, jpeg);
                case "/missing.jpg" -> send(x, 404, "not found".getBytes(StandardCharsets.US_ASCII));
                case "/slow.jpg" -> {
                    sleep(2500);
                    send(x, 200, jpeg);
                }
                case "/truncated.jpg" -> {
                    x.sendResponseHeaders(200, jpeg.length);
                    OutputStream out = x.getResponseBody();
                    out.write(jpeg, 0, jpeg.length / 2);
                    out.flush();
                    // closing early: the client sees fewer bytes than Content-Length
                }
                case "/page.jpg" -> send(x, 200, "<html><body>poster</body></html>".getBytes(StandardCharsets.US_ASCII));
                case "/moved.jpg" -> redirect(x, "/ok.jpg");
                case "/to-ftp.jpg" -> redirect(x, "ftp://127.0.0.1/ok.jpg");
                case "/loop.jpg" -> redirect(x, "/loop.jpg");
                case "/flaky.jpg" -> send(x, hit == 1 ? 503 : 200, hit == 1 ? new byte[0] : jpeg);
                case "/huge.jpg" -> send(x, 200, new byte[5000]);
                default -> send(x, 500, new byte[0]);
            }
        } catch (IOException e) {
            // the client went away (timeouts): nothing to answer
        }
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    private static void redirect(HttpExchange x, String location) throws IOException {
        x.getResponseHeaders().add("Location", location);
        x.sendResponseHeaders(302, -1);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Generous timeouts, so a loaded machine does not turn good answers into timeouts. */
    private PosterDownloader downloader(int attempts) {
        return downloader(attempts, Duration.ofSeconds(10));
    }

    private PosterDownloader downloader(int attempts, Duration readTimeout) {
        DownloadOptions o = DownloadOptions.defaults().withParallelism(4)
                .withTimeouts(Duration.ofSeconds(10), readTimeout)
                .withRetries(attempts, Duration.ofMillis(20)).withMaxBytes(4000);
        return new PosterDownloader(o, n -> Progress.silent("download", n));
    }

    private DownloadReport.Failure failureOf(DownloadReport r, long id) {
        return r.failures().stream().filter(f -> f.imdbId() == id).findFirst().orElseThrow().reason();
    }

    @Test
    void eachCaseEndsWithTheRightOutcome() throws IOException {
        Path out = dir.resolve("posters");
        List<PosterDownloader.Job> jobs = List.of(
                new PosterDownloader.Job(1, base + "/ok.jpg"),
                new PosterDownloader.Job(2, base + "/missing.jpg"),
                new PosterDownloader.Job(4, base + "/truncated.jpg"),
                new PosterDownloader.Job(5, base + "/page.jpg"),
                new PosterDownloader.Job(6, base + "/moved.jpg"),
                new PosterDownloader.Job(7, base + "/to-ftp.jpg"),
                new PosterDownloader.Job(8, "file:///etc/passwd"),
                new PosterDownloader.Job(9, base + "/flaky.jpg"),
                new PosterDownloader.Job(10, base + "/huge.jpg"),
                new PosterDownloader.Job(11, base + "/loop.jpg"));
        DownloadReport r = downloader(2).download(jobs, out);

        assertEquals(3, r.fetchedCount(), r.summary());
        assertEquals(7, r.failedCount(), r.summary());
        for (long id : new long[] {1, 6, 9}) {
            assertArrayEquals(jpeg, Files.readAllBytes(out.resolve(id + ".jpg")));
        }
        assertEquals(DownloadReport.Failure.HTTP_ERROR, failureOf(r, 2));
        assertEquals(DownloadReport.Failure.TRUNCATED, failureOf(r, 4));
        assertEquals(DownloadReport.Failure.NOT_AN_IMAGE, failureOf(r, 5));
        assertEquals(DownloadReport.Failure.BAD_URL, failureOf(r, 7));
        assertEquals(DownloadReport.Failure.BAD_URL, failureOf(r, 8));
        assertEquals(DownloadReport.Failure.TOO_LARGE, failureOf(r, 10));
        assertEquals(DownloadReport.Failure.TOO_MANY_REDIRECTS, failureOf(r, 11));

        assertEquals(1, hits.get("/missing.jpg").get()); // 404 is final
        assertEquals(2, hits.get("/flaky.jpg").get()); // 503 then success
        assertEquals(2, hits.get("/truncated.jpg").get());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("1.jpg", "6.jpg", "9.jpg"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(r.summary().contains("fetched 3"), r.summary());
    }

    @Test
    void slowAnswerPastTheReadTimeoutIsRetriedThenReported() throws IOException {
        Path out = dir.resolve("posters");
        DownloadReport r = downloader(2, Duration.ofMillis(300))
                .download(List.of(new PosterDownloader.Job(3, base + "/slow.jpg")), out);
        assertEquals(DownloadReport.Failure.TIMEOUT, failureOf(r, 3), r.summary());
        assertEquals(2, hits.get("/slow.jpg").get()); // timeouts are retried
        assertFalse(Files.exists(out.resolve("3.jpg")));
    }

    @Test
    void secondRunSkipsCompleteFilesAndFetchesOnlyTheRest() throws IOException {
        Path out = dir.resolve("posters");
        List<MovieRecord> movies = List.of(
                new MovieRecord(21, "A (2001)", 2001, null, List.of("Drama"), base + "/ok.jpg"),
                new MovieRecord(22, "B (2001)", 2001, null, List.of("Drama"), null),
                new MovieRecord(23, "C (2001)", 2001, null, List.of("Drama"), base + "/flaky.jpg"));
        DownloadReport first = downloader(1).downloadMovies(movies, out);
        assertEquals(1, first.fetchedCount(), first.summary() + first.failures());
        assertEquals(1, first.failedCount(), first.summary() + first.failures());
        assertEquals(1, first.withoutUrlCount());
        assertFalse(Files.exists(out.resolve("23.jpg")));

        DownloadReport second = downloader(1).downloadMovies(movies, out);
        assertEquals(1, second.skippedCount());
        assertEquals(1, second.fetchedCount());
        assertEquals(1, hits.get("/ok.jpg").get());
        assertTrue(Files.exists(out.resolve("23.jpg")));
    }

    @Test
    void onlyHttpAndHttpsWithAHost() {
        for (String bad : new String[] {"ftp://x/y.jpg", "file:///tmp/a.jpg", "jar:file:/a!/b", "/relative.jpg", "http:///nohost"}) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> PosterDownloader.checkedUri(bad, null), bad);
            assertTrue(e.getMessage() != null);
        }
    }
}
