package org.marquee.app.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.marquee.dataset.PosterException;

/**
 * The page of {@code marquee serve}: a local web server, on the JDK's own
 * {@link com.sun.net.httpserver.HttpServer} (no dependency: the page needs a handful of routes,
 * one upload and one event stream, which it serves well).
 *
 * <pre>
 *   GET  /  /app.js  /app.css          the page, from the jar (never from the file system)
 *   GET  /api/model                     the genres, the decision rule, the layers in summary order
 *   POST /api/predict?name=FILE         a poster's bytes: its 224x224 input, 27 probabilities, the rule's genres
 *   GET  /api/tests                     the test split's posters, when loaded (serve --test-posters)
 *   GET  /api/test?index=               a test poster's prediction, as /api/predict's, with its true genres
 *   GET  /api/layers?id=                every layer's output: shapes, ranges, grid layout
 *   GET  /api/montage?id=&layer=        one layer's maps as one PNG
 *   GET  /api/map?id=&layer=&channel=   one map, one pixel per value
 *   GET  /api/value?id=&layer=&channel=&y=&x=   one value; a convolution's also as its multiply-add
 *   GET  /api/saliency?id=              the top genre's saliency over the poster
 *   GET  /api/events                    the run's epochs, progress and filters (server-sent events)
 *   GET  /run/NAME                      a file of the run folder, by plain name only (loss.png, epochs.csv)
 * </pre>
 * Hostile input: a body over the cap is refused before it is read (413), a poster is decoded only
 * after its declared size passes the decompression-bomb limit, no part of a request names a path
 * outside the run folder, and at most {@code maxRequests} requests compute at once. The others
 * wait for their turn in a bounded queue (one that waits a minute is answered 503); when the
 * queue is full the accepting thread answers the next request itself and meanwhile accepts no
 * more, so neither threads nor queued requests grow with the load. A request that fails gets a
 * message and the server goes on.
 */
public final class PosterServer implements AutoCloseable {
    /**
     * Where and how much: the address and port (0: any free one), the largest request body, the
     * requests computing at once, those waiting for a turn, and the pages on the event stream.
     */
    public record Options(String bind, int port, long maxBodyBytes, int maxRequests, int maxQueued, int maxEventClients) {
        public Options {
            if (bind == null || bind.isBlank()) throw new IllegalArgumentException("--bind needs an address, e.g. 127.0.0.1");
            if (port < 0 || port > 65_535) throw new IllegalArgumentException("--port must be 0 to 65535: " + port);
            if (maxBodyBytes < 1) throw new IllegalArgumentException("the body cap must be at least 1 byte: " + maxBodyBytes);
            if (maxRequests < 1) throw new IllegalArgumentException("at least one request must be allowed at once: " + maxRequests);
            if (maxQueued < 1 || maxEventClients < 1) throw new IllegalArgumentException("queue and event clients must be at least 1");
        }

        /** Loopback, 16 MiB uploads, 4 requests computing at once, 64 waiting, 16 live pages. */
        public static Options loopback(int port) { return new Options("127.0.0.1", port, 16L << 20, 4, 64, 16); }
    }

    private static final Pattern RUN_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Map<String, String> PAGE = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/app.css", "app.css");

    private final Options options;
    private final PosterService service;
    private final String checkpointName;
    private final Path run;
    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final Semaphore computing;
    private final LiveFeed feed;
    private final ScheduledExecutorService watcher;
    private final RunWatcher runWatcher;        // null when no run folder is watched
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts serving at once.
     *
     * @param service   the model, or null (only the training page); closed with the server
     * @param checkpoint how the page names the checkpoint
     * @param run       the run folder to watch, or null
     */
    public PosterServer(Options options, PosterService service, String checkpoint, Path run) throws IOException {
        this.options = options;
        this.service = service;
        this.checkpointName = checkpoint;
        this.run = run == null ? null : run.toAbsolutePath().normalize();
        this.computing = new Semaphore(options.maxRequests(), true);
        this.feed = new LiveFeed(options.maxEventClients());
        // an event stream holds no thread between its events; a request that finds the queue full
        // runs on the dispatcher, which meanwhile accepts no more: the queue cannot grow past its bound
        this.workers = new ThreadPoolExecutor(options.maxRequests() + 2, options.maxRequests() + 2, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(options.maxQueued()), daemon("serve-worker"), new ThreadPoolExecutor.CallerRunsPolicy());
        this.server = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 64);
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        this.watcher = Executors.newSingleThreadScheduledExecutor(daemon("serve-watch"));
        this.runWatcher = this.run == null ? null : new RunWatcher(this.run, feed);
        if (runWatcher != null) watcher.scheduleWithFixedDelay(runWatcher::look, 0, 250, TimeUnit.MILLISECONDS);
        watcher.scheduleWithFixedDelay(feed::ping, 15, 15, TimeUnit.SECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The address the page is at, e.g. http://127.0.0.1:8080/ (the real port when 0 was asked for). */
    public URI address() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    /** Pages connected to the event stream now. */
    int eventClients() { return feed.clients(); }

    private void handle(HttpExchange ex) {
        boolean stream = false;
        try {
            stream = route(ex);
        } catch (Failure f) {
            reply(ex, f.status, "application/json", Json.object().put("error", f.getMessage()).toString());
        } catch (PosterService.BadRequest e) {
            reply(ex, 400, "application/json", Json.object().put("error", e.getMessage()).toString());
        } catch (IOException e) {
            // the client went away; nothing to answer
        } catch (RuntimeException | OutOfMemoryError e) {
            reply(ex, 500, "application/json", Json.object().put("error", "the server failed on this request: " + e).toString());
        } finally {
            if (!stream) ex.close();   // an event stream stays open: the feed writes to it and closes it
        }
    }

    /** An answer other than 200, with its message. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        Failure(int status, String message) { super(message); this.status = status; }
    }

    /** Answers the request; true when it became an event stream, which stays open. */
    private boolean route(HttpExchange ex) throws IOException, Failure {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (PAGE.containsKey(path)) {
            get(method);
            String name = PAGE.get(path);
            reply(ex, 200, contentType(name), resource(name));
            return false;
        }
        if (path.startsWith("/run/")) {
            get(method);
            Path file = runFile(path.substring("/run/".length())).orElseThrow(() -> new Failure(404, "no such file in the run folder"));
            reply(ex, 200, contentType(file.getFileName().toString()), Files.readAllBytes(file));
            return false;
        }
        switch (path) {
            case "/api/model" -> {
                get(method);
                String model = service == null ? Json.object().put("model", false).toString()
                        : service.describe(checkpointName).replaceFirst("^\\{", "{\"model\":true,\"maxUpload\":" + options.maxBodyBytes() + ",");
                reply(ex, 200, "application/json", model.replaceFirst("^\\{", "{\"live\":" + (run != null) + ","));
            }
            case "/api/events" -> {
                get(method);
                if (run == null) throw new Failure(404, "no run folder is watched: serve --run DIR, or train --serve");
                return events(ex);
            }
            case "/api/predict" -> {
                if (!method.equals("POST")) throw new Failure(405, "send the poster with POST");
                PosterService s = model();
                String name = query(ex).getOrDefault("name", "upload");
                byte[] body = body(ex);
                compute(ex, () -> {
                    try {
                        return s.predictionJson(s.predict(name, body));
                    } catch (PosterException e) {
                        throw new Failure(400, e.getMessage());
                    }
                });
            }
            case "/api/tests" -> { get(method); PosterService s = model(); compute(ex, () -> s.testsJson(1000)); }
            case "/api/test" -> {
                get(method);
                PosterService s = model();
                int index = number(query(ex), "index");
                compute(ex, () -> s.predictionJson(s.predictTest(index)));
            }
            case "/api/layers" -> { get(method); PosterService.Poster p = poster(ex); compute(ex, () -> model().layersJson(p)); }
            case "/api/saliency" -> { get(method); PosterService.Poster p = poster(ex); compute(ex, () -> model().saliency(p)); }
            case "/api/value" -> {
                get(method);
                PosterService.Poster p = poster(ex);
                Map<String, String> q = query(ex);
                compute(ex, () -> model().value(p, number(q, "layer"), number(q, "channel"), number(q, "y"), number(q, "x")));
            }
            case "/api/montage", "/api/map" -> {
                get(method);
                PosterService.Poster p = poster(ex);
                Map<String, String> q = query(ex);
                byte[] png;
                acquire();
                try {
                    png = path.equals("/api/montage") ? model().montage(p, number(q, "layer"))
                            : model().map(p, number(q, "layer"), number(q, "channel"));
                } finally {
                    computing.release();
                }
                reply(ex, 200, "image/png", png);
            }
            default -> throw new Failure(404, "no page or service at " + path);
        }
        return false;
    }

    private interface Work { String run() throws Failure; }

    /** Runs {@code work} as one of the at most maxRequests computing at once. */
    private void compute(HttpExchange ex, Work work) throws IOException, Failure {
        String json;
        acquire();
        try {
            json = work.run();
        } finally {
            computing.release();
        }
        reply(ex, 200, "application/json", json);
    }

    private void acquire() throws Failure {
        try {
            if (!computing.tryAcquire(60, TimeUnit.SECONDS)) throw new Failure(503, "the server is busy: try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(503, "the server is stopping");
        }
    }

    private PosterService model() throws Failure {
        if (service == null) throw new Failure(404, "no model is loaded: serve -c CHECKPOINT");
        return service;
    }

    private PosterService.Poster poster(HttpExchange ex) throws Failure {
        String id = query(ex).get("id");
        if (id == null) throw new Failure(400, "which poster? the request has no id");
        PosterService.Poster p = model().poster(id);
        if (p == null) throw new Failure(404, "poster " + id + " is no longer kept (the last " + PosterService.KEPT + " are): upload it again");
        return p;
    }

    private static void get(String method) throws Failure {
        if (!method.equals("GET") && !method.equals("HEAD")) throw new Failure(405, method + " is not served here: use GET");
    }

    private static int number(Map<String, String> q, String name) throws Failure {
        String v = q.get(name);
        if (v == null) throw new Failure(400, "the request has no " + name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Failure(400, name + " must be a whole number, got '" + v + "'");
        }
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.length() > 4096) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            try {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the parameter is left out, and the request is answered as without it
            }
        }
        return q;
    }

    /**
     * The request body, refused past the cap before more than the cap is read (the HTTP server then
     * reads and drops at most 64 KiB more of it, or closes the connection).
     */
    private byte[] body(HttpExchange ex) throws IOException, Failure {
        long cap = options.maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new Failure(400, "Content-Length is not a number: " + declared);
            }
            if (n > cap) throw new Failure(413, String.format(Locale.ROOT, "the upload is %,d bytes, the limit %,d", n, cap));
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
            if (bytes.length > cap) throw new Failure(413, String.format(Locale.ROOT, "the upload is over the limit of %,d bytes", cap));
            return bytes;
        }
    }

    /**
     * A file directly in the run folder, named by a plain name (letters, digits, '.', '_', '-',
     * not starting with a dot): never a path, never a link that leads out of the folder.
     */
    Optional<Path> runFile(String name) throws IOException {
        if (run == null || !RUN_FILE.matcher(name).matches() || name.contains("..")) return Optional.empty();
        Path file = run.resolve(name).normalize();
        if (!file.getParent().equals(run) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        if (!file.toRealPath().startsWith(run.toRealPath())) return Optional.empty();
        return Optional.of(file);
    }

    private boolean events(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        boolean joined = feed.join(new LiveFeed.Client() {
            @Override public OutputStream stream() { return out; }
            @Override public void close() { ex.close(); }
        });
        if (!joined) {
            out.write(LiveFeed.event("busy", Json.object().put("error", "too many live pages are open").toString()));
            return false;
        }
        return true;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PosterServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("the jar has no " + name);
            return in.readAllBytes();
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) return "text/html; charset=utf-8";
        if (name.endsWith(".js")) return "text/javascript; charset=utf-8";
        if (name.endsWith(".css")) return "text/css; charset=utf-8";
        if (name.endsWith(".png")) return "image/png";
        if (name.endsWith(".csv")) return "text/csv; charset=utf-8";
        return "application/octet-stream";
    }

    private static void reply(HttpExchange ex, int status, String type, String body) {
        reply(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) {
        try {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /**
     * Stops serving: the pages get what the run folder holds now (a run that just ended has written
     * its last epoch), then the event streams end and the model is released.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        watcher.shutdownNow();
        try {
            watcher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (runWatcher != null) runWatcher.look();
        feed.closeAll();
        server.stop(0);
        workers.shutdownNow();
        if (service != null) service.close();
    }
}
