package org.marquee.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over HTTP: predict's numbers, the multiply-add, and hostile input (body cap, bombs, traversal, load). */
class PosterServerTest {
    @TempDir static Path dir;
    static Path checkpoint, poster, run;
    static PosterServer server;
    static final String HEADER = "epoch,train_loss,val_loss,val_accuracy,val_hamming,val_one_error,val_coverage,"
            + "val_micro_f1,val_macro_f1,val_mean_auc,val_map,seconds,images_per_s";
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws IOException {
        checkpoint = ServeFixtures.checkpoint(dir);
        poster = ServeFixtures.poster(dir, "poster.png", 1);
        run = Files.createDirectories(dir.resolve("runs").resolve("one"));
        Files.writeString(run.resolve("epochs.csv"), HEADER + "\n");
        Files.writeString(dir.resolve("runs").resolve("secret.txt"), "not for the page");
        server = new PosterServer(new PosterServer.Options("127.0.0.1", 0, 32 * 1024, 2, 64, 4),
                ServeFixtures.service(checkpoint), checkpoint.toString(), run);
    }

    @AfterAll
    static void stop() { if (server != null) server.close(); }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.address().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.address().resolve(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"[^\"]*\"|[-0-9.eE]+|true|false|null)").matcher(json);
        if (!m.find()) throw new AssertionError("no " + name + " in " + json);
        return m.group(1).replace("\"", "");
    }

    @Test
    void thePageAndItsScriptComeFromTheJar() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"app.js\"></script>"), page.body());
        assertEquals(200, get("/app.js").statusCode());
        assertEquals(200, get("/app.css").statusCode());
        assertEquals(404, get("/nothing").statusCode());
        String model = get("/api/model").body();
        assertEquals("true", field(model, "model"));
        assertEquals("true", field(model, "live"));
        assertTrue(model.contains("\"name\":\"conv2d_1\",\"type\":\"Conv2D\",\"shape\":[32,22,22]"), model);
    }

    @Test
    void aPredictionHasPredictsNumbers() throws Exception {
        HttpResponse<String> r = post("/api/predict?name=poster.png", Files.readAllBytes(poster));
        assertEquals(200, r.statusCode(), r.body());
        List<String[]> expected = ServeFixtures.predictProbabilities(ServeFixtures.predictJson(checkpoint, poster));
        assertEquals(27, expected.size());
        for (String[] g : expected) {
            Matcher m = Pattern.compile("\"genre\":\"" + Pattern.quote(g[0]) + "\",\"p\":([-0-9.eE]+),\"label\":\"([0-9.]+)\"").matcher(r.body());
            assertTrue(m.find(), g[0] + " in " + r.body());
            assertEquals(Double.parseDouble(g[1]), Double.parseDouble(m.group(1)), g[0] + ": the same double as predict --json");
            assertEquals(g[2], m.group(2), g[0] + ": the bar's label");
        }
        assertTrue(r.body().contains("\"input\":\"data:image/png;base64,"));
    }

    @Test
    void aConvolutionValueIsItsMultiplyAdd() throws Exception {
        String id = field(post("/api/predict?name=p.png", Files.readAllBytes(poster)).body(), "id");
        String layers = get("/api/layers?id=" + id).body();
        assertTrue(layers.contains("\"index\":1,\"name\":\"conv2d_1\""), layers);
        assertTrue(layers.contains("\"index\":5,\"name\":\"conv2d_2\""), layers);
        for (String q : List.of("layer=1&channel=3&y=4&x=7", "layer=5&channel=60&y=2&x=0")) {
            String v = get("/api/value?id=" + id + "&" + q).body();
            double value = Double.parseDouble(field(v, "value")), sum = Double.parseDouble(field(v, "sum"));
            assertEquals(value, sum, 1e-5 * Math.max(1, Math.abs(value)), v);
        }
        String relu = get("/api/value?id=" + id + "&layer=2&channel=3&y=4&x=7").body();
        assertFalse(relu.contains("\"sum\""), relu);
        assertEquals(400, get("/api/value?id=" + id + "&layer=1&channel=32&y=0&x=0").statusCode());
        assertEquals(400, get("/api/value?id=" + id + "&layer=1&channel=x&y=0&x=0").statusCode());
        assertEquals(200, get("/api/montage?id=" + id + "&layer=3").statusCode());
        assertEquals(200, get("/api/map?id=" + id + "&layer=1&channel=31").statusCode());
        String s = get("/api/saliency?id=" + id).body();
        assertTrue(s.contains("\"image\":\"data:image/png;base64,"), s);
        assertEquals(404, get("/api/layers?id=999999").statusCode());
    }

    @Test
    void aMalformedUploadGetsAClearMessageAndTheServerGoesOn() throws Exception {
        HttpResponse<String> text = post("/api/predict?name=notes.txt", "hello, not a poster".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, text.statusCode());
        assertTrue(text.body().contains("notes.txt") && text.body().contains("not a JPEG or PNG image"), text.body());
        byte[] png = Files.readAllBytes(poster);
        HttpResponse<String> cut = post("/api/predict?name=cut.png", java.util.Arrays.copyOf(png, png.length / 2));
        assertEquals(400, cut.statusCode());
        assertTrue(cut.body().contains("cut.png"), cut.body());
        assertEquals(400, post("/api/predict", new byte[0]).statusCode());
        assertEquals(200, post("/api/predict?name=p.png", png).statusCode(), "the server goes on");
    }

    @Test
    void aBodyOverTheCapIsRefusedAndABombIsNotDecoded() throws Exception {
        HttpResponse<String> big = post("/api/predict?name=big.png", new byte[32 * 1024 + 1]);
        assertEquals(413, big.statusCode());
        assertTrue(big.body().contains("limit"), big.body());
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(server.address().resolve("/api/predict?name=big.png"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[32 * 1024 + 1]))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), "a body without Content-Length is cut at the cap too");
        HttpResponse<String> bomb = post("/api/predict?name=bomb.png", bomb(100_000, 100_000));
        assertEquals(400, bomb.statusCode());
        assertTrue(bomb.body().contains("bomb.png") && bomb.body().contains("10,000,000,000 pixels"), bomb.body());
        assertEquals(405, get("/api/predict").statusCode());
    }

    /** A PNG that declares width x height pixels and holds almost none. */
    static byte[] bomb(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void noRequestReachesAFileOutsideTheRunFolder() throws Exception {
        Path link = run.resolve("link.txt");
        Files.createSymbolicLink(link, dir.resolve("runs").resolve("secret.txt"));
        assertEquals("200", ServeFixtures.raw(server.address(), "GET /run/epochs.csv HTTP/1.1")[0]);
        for (String path : List.of("/run/../secret.txt", "/run/%2e%2e/secret.txt", "/run/..%2fsecret.txt", "/run/%2e%2e%2fsecret.txt",
                "/run/..%5csecret.txt", "/run/.%2e/secret.txt", "/run/" + dir.resolve("runs").resolve("secret.txt"),
                "/run/link.txt", "/run/", "/run/.", "/run/..", "/../runs/secret.txt", "/run/epochs.csv%00.png",
                "/run/%252e%252e/secret.txt")) {
            String[] r = ServeFixtures.raw(server.address(), "GET " + path + " HTTP/1.1");
            assertTrue(r[0].equals("404") || r[0].equals("400"), path + ": " + r[0] + " " + r[1]);
            assertFalse(r[1].contains("not for the page"), path);
        }
    }

    @Test
    void aFewHundredRequestsAtOnceAllSucceedAndTheHeapStaysBounded() throws Exception {
        byte[] png = Files.readAllBytes(poster);
        String id = field(post("/api/predict?name=p.png", png).body(), "id");
        get("/api/layers?id=" + id);
        long before = usedHeapAfterGc();
        ExecutorService pool = Executors.newFixedThreadPool(24);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int n = i;
            results.add(pool.submit(() -> switch (n % 4) {
                case 0 -> post("/api/predict?name=p" + n + ".png", png).statusCode();
                case 1 -> get("/api/model").statusCode();
                case 2 -> get("/app.js").statusCode();
                default -> get("/").statusCode();
            }));
        }
        int ok = 0;
        for (Future<Integer> f : results) if (f.get() == 200) ok++;
        pool.shutdown();
        assertEquals(300, ok, "every request answered 200");
        long after = usedHeapAfterGc();
        assertTrue(after - before < 64L << 20, "heap grew by " + (after - before) / 1024 + " KiB");
        assertEquals(200, get("/api/model").statusCode(), "still serving");
    }

    static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void theEventStreamSendsEachNewEpoch() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(server.address().resolve("/api/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        var lines = r.body().iterator();
        assertEquals("event: hello", lines.next());
        Files.writeString(run.resolve("epochs.csv.tmp"), HEADER + "\n1,0.7,0.69,0.5,0.2,0.6,3.0,0.3,0.1,0.5,0.2,1.5,100.0\n");
        Files.move(run.resolve("epochs.csv.tmp"), run.resolve("epochs.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String epoch = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: {\"epoch\":1,")) { epoch = line; break; }
        }
        assertTrue(epoch != null && epoch.contains("\"trainLoss\":0.7") && epoch.contains("\"microF1\":0.3"), epoch);
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void theLastEpochReachesThePagesBeforeTheServerStops() throws Exception {
        Path ended = Files.createDirectories(dir.resolve("ended"));
        try (PosterServer live = new PosterServer(PosterServer.Options.loopback(0), null, null, ended)) {
            HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(live.address().resolve("/api/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            var lines = r.body().iterator();
            assertEquals("event: hello", lines.next());
            Thread.sleep(300);   // the watcher has looked at the empty folder
            Files.writeString(ended.resolve("epochs.csv"), HEADER + "\n1,0.7,0.69,0.5,0.2,0.6,3.0,0.3,0.1,0.5,0.2,1.5,100.0\n");
            live.close();   // at once, as train --serve does when its last epoch is written
            List<String> rest = new ArrayList<>();
            lines.forEachRemaining(rest::add);
            assertTrue(rest.contains("event: epoch"), rest.toString());
        }
    }
}
