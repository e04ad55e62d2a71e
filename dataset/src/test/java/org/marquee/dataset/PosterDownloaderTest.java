package org.marquee.dataset;

import org.marquee.engine.io.FileKind;
import org.marquee.engine.io.AtomicFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    byte[] png;
    byte[] bomb;
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        jpeg = Files.readAllBytes(TestPosters.write(dir.resolve("src.jpg"), 40, 60, Color.RED, Color.BLUE, "jpg"));
        png = Files.readAllBytes(TestPosters.write(dir.resolve("src.png"), 40, 60, Color.RED, Color.BLUE, "png"));
        bomb = Files.readAllBytes(TestPosters.pngDeclaring(dir.resolve("bomb.png"), 20000, 20000));
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
                case "/to-bad-port.jpg" -> redirect(x, "http://127.0.0.1:99999/x.jpg");
                case "/trickle.jpg" -> {
                    x.sendResponseHeaders(200, jpeg.length);
                    OutputStream out = x.getResponseBody();
                    for (byte b : jpeg) {
                        out.write(b);
                        out.flush();
                        sleep(100);
                    }
                }
                case "/half.png" -> send(x, 200, java.util.Arrays.copyOf(png, png.length / 2)); // Content-Length matches
                case "/bomb.png" -> send(x, 200, bomb);
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
    void aPosterPathThatIsAFifoOrALinkToADeviceIsLeftAsItIsAndNamed() throws Exception {
        Path out = Files.createDirectories(dir.resolve("posters"));
        Path pipe = FileKindTest.fifo(out, "12.jpg");
        Path link = Files.createSymbolicLink(out.resolve("13.jpg"), FileKindTest.devZero());
        DownloadReport r = downloader(1).download(List.of(new PosterDownloader.Job(12, base + "/ok.jpg"),
                new PosterDownloader.Job(13, base + "/ok.jpg")), out);
        assertEquals(2, r.failedCount(), r.summary());
        assertEquals(DownloadReport.Failure.IO_ERROR, failureOf(r, 12));
        assertEquals(FileKind.FIFO, FileKind.of(pipe));
        assertTrue(Files.isSymbolicLink(link));
        String all = r.failures().toString();
        assertTrue(all.contains("is a FIFO (named pipe), not a regular file; it is left as it is")
                && all.contains("is a link to a character device (/dev/zero)"), all);
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

    private DownloadReport.Failed failed(DownloadReport r, long id) {
        return r.failures().stream().filter(f -> f.imdbId() == id).findFirst().orElseThrow();
    }

    @Test
    void aUrlOrRedirectJavaNetRefusesFailsOnlyThatPoster() throws IOException {
        Path out = dir.resolve("posters");
        String badPort = "http://127.0.0.1:99999/x.jpg";
        DownloadReport r = downloader(2).download(List.of(
                new PosterDownloader.Job(41, badPort),
                new PosterDownloader.Job(42, base + "/to-bad-port.jpg"),
                new PosterDownloader.Job(43, base + "/ok.jpg")), out);
        assertEquals(1, r.fetchedCount(), r.summary() + r.failures());
        assertArrayEquals(jpeg, Files.readAllBytes(out.resolve("43.jpg")));
        DownloadReport.Failed direct = failed(r, 41);
        assertEquals(DownloadReport.Failure.BAD_URL, direct.reason());
        assertEquals(badPort, direct.url());
        assertTrue(direct.detail().contains("99999"), direct.detail());
        DownloadReport.Failed redirected = failed(r, 42);
        assertEquals(DownloadReport.Failure.BAD_URL, redirected.reason());
        assertEquals(base + "/to-bad-port.jpg", redirected.url());
        assertTrue(redirected.detail().contains("99999"), redirected.detail());
    }

    private PosterDownloader downloader(Duration deadline, long minRate) {
        DownloadOptions o = DownloadOptions.defaults().withParallelism(4)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10))
                .withRetries(3, Duration.ofMillis(20)).withDeadline(deadline, minRate);
        return new PosterDownloader(o, n -> Progress.silent("download", n));
    }

    @Test
    void aServerTricklingBytesIsCutAtTheDeadline() throws IOException {
        Path out = dir.resolve("posters");
        long t0 = System.nanoTime();
        DownloadReport r = downloader(Duration.ofMillis(1000), 0)
                .download(List.of(new PosterDownloader.Job(51, base + "/trickle.jpg")), out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(DownloadReport.Failure.TOO_SLOW, failureOf(r, 51), r.summary() + r.failures());
        assertTrue(failed(r, 51).detail().contains("deadline"), failed(r, 51).detail());
        assertTrue(seconds < 5, "took " + seconds + " s");
        assertFalse(Files.exists(out.resolve("51.jpg")));
    }

    @Test
    void aServerBelowTheMinimumRateIsCutOnceTheGraceEnds() throws IOException {
        Path out = dir.resolve("posters");
        long t0 = System.nanoTime();
        DownloadReport r = downloader(Duration.ofSeconds(60), 1000)
                .download(List.of(new PosterDownloader.Job(52, base + "/trickle.jpg")), out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(DownloadReport.Failure.TOO_SLOW, failureOf(r, 52), r.summary() + r.failures());
        assertTrue(failed(r, 52).detail().contains("below the minimum of 1,000 bytes/s"), failed(r, 52).detail());
        assertEquals(1, hits.get("/trickle.jpg").get()); // too slow is not retried
        assertTrue(seconds < 6, "took " + seconds + " s");
    }

    @Test
    void deadlineAndRateAreValidated() {
        DownloadOptions d = DownloadOptions.defaults();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> d.withDeadline(Duration.ZERO, 0));
        assertTrue(e.getMessage().contains("deadline per poster must be positive"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> d.withDeadline(Duration.ofSeconds(1), -1));
        assertTrue(e.getMessage().contains("minBytesPerSecond"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> d.withMaxPixels(0));
        assertTrue(e.getMessage().contains("maxPixels"), e.getMessage());
    }

    @Test
    void onlyPostersThatDecodeAreKept() throws IOException {
        Path out = dir.resolve("posters");
        DownloadReport r = downloader(1).download(List.of(
                new PosterDownloader.Job(61, base + "/half.png"),
                new PosterDownloader.Job(62, base + "/bomb.png")), out);
        assertEquals(0, r.fetchedCount(), r.summary() + r.failures());
        assertEquals(DownloadReport.Failure.TRUNCATED, failureOf(r, 61));
        assertEquals(DownloadReport.Failure.TOO_LARGE, failureOf(r, 62));
        assertTrue(failed(r, 62).detail().contains("20,000 x 20,000"), failed(r, 62).detail());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void aPresentPosterThatDoesNotDecodeIsFetchedAgainAndStalePartsAreRemoved() throws IOException {
        Path out = Files.createDirectories(dir.resolve("posters"));
        TestPosters.truncatedJpeg(out.resolve("71.jpg"));
        Files.write(out.resolve("72.jpg"), jpeg);
        Path stale = Files.write(out.resolve(".73.jpg.8412377.part"), new byte[100]);
        Path other = Files.write(out.resolve("notes.part"), new byte[1]);
        DownloadReport r = downloader(1).download(List.of(
                new PosterDownloader.Job(71, base + "/ok.jpg"),
                new PosterDownloader.Job(72, base + "/ok.jpg")), out);
        assertEquals(1, r.fetchedCount(), r.summary() + r.failures());
        assertEquals(1, r.skippedCount(), r.summary());
        assertEquals(1, r.replacedCount(), r.summary());
        assertArrayEquals(jpeg, Files.readAllBytes(out.resolve("71.jpg")));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(other));
        assertEquals(1, r.stalePartsRemoved());
        assertTrue(r.summary().contains("present but undecodable"), r.summary());
    }

    @Test
    void aServerTricklingItsHeadersIsCutAtTheDeadlineToo() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread trickler = new Thread(() -> {
                try (java.net.Socket s = raw.accept()) {
                    OutputStream out = s.getOutputStream();
                    for (byte b : "HTTP/1.1 200 OK\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII)) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(100);
                    }
                    while (true) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client hung up
                }
            });
            trickler.setDaemon(true);
            trickler.start();
            long t0 = System.nanoTime();
            DownloadReport r = downloader(Duration.ofMillis(1000), 0).download(List.of(
                    new PosterDownloader.Job(53, "http://127.0.0.1:" + raw.getLocalPort() + "/headers.jpg")), dir.resolve("posters"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(DownloadReport.Failure.TOO_SLOW, failureOf(r, 53), r.summary() + r.failures());
            assertTrue(seconds < 5, "took " + seconds + " s");
        }
    }

    @Test
    void aFullDiskStopsTheRunNamingThePosterFile() throws IOException {
        try (var fs = com.google.common.jimfs.Jimfs.newFileSystem(com.google.common.jimfs.Configuration.unix().toBuilder()
                .setBlockSize(256).setMaxSize(jpeg.length / 2).build())) {
            Path folder = fs.getPath("/posters");
            AtomicFiles.WriteFailedException e = assertThrows(AtomicFiles.WriteFailedException.class,
                    () -> downloader(1).download(List.of(new PosterDownloader.Job(61, base + "/ok.jpg")), folder));
            assertTrue(e.getMessage().startsWith("could not write /posters/61.jpg: "), e.getMessage());
            try (var left = Files.list(folder)) {
                assertEquals(List.of(), left.toList(), "no part file is left behind");
            }
        }
    }
}
