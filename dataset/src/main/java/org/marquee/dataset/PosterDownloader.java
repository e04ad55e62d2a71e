package org.marquee.dataset;

import org.marquee.engine.io.FileKind;
import org.marquee.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.DirectoryStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

/**
 * Fetches posters from their Poster URLs into {@code folder/<imdbId>.jpg}. Only http and https
 * are followed (redirects included); the file name is built from the numeric id alone. Each
 * download goes to a temporary file that is renamed only when the body is complete, within the
 * size limit, and a JPEG or PNG that decodes within the pixel limit, so a file with the final name
 * is always a usable poster: a second run skips those (after decoding them: one that no longer
 * decodes is deleted and fetched again) and fetches the rest. Each poster has a deadline for all
 * its tries and a minimum transfer rate. Whatever goes wrong with one poster, an unexpected
 * exception included, is reported as that poster's failure with its id, URL and reason; the other
 * posters are fetched regardless.
 */
public final class PosterDownloader {
    /** Time a transfer gets before the minimum rate applies (connection set-up, slow start). */
    public static final Duration RATE_GRACE = Duration.ofSeconds(2);

    /** The temporary files of {@link #save}: {@code .<id>.jpg.<random>.part}. */
    private static final Pattern STALE_PART = Pattern.compile("\\.\\d+\\.jpg\\..+\\.part");

    /** A poster to fetch. */
    public record Job(long imdbId, String url) {
        public Job {
            if (imdbId <= 0) {
                throw new IllegalArgumentException("imdbId must be positive: " + imdbId);
            }
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("imdbId " + imdbId + ": no poster URL");
            }
        }
    }

    /** A try that failed, and whether trying again could help. */
    private static final class Attempt extends Exception {
        private static final long serialVersionUID = 1L;
        final DownloadReport.Failure reason;
        final boolean retryable;

        Attempt(DownloadReport.Failure reason, String detail, boolean retryable) {
            super(detail, null, false, false);
            this.reason = reason;
            this.retryable = retryable;
        }

        Attempt(DownloadReport.Failure reason, String detail) {
            this(reason, detail, reason.retryable());
        }
    }

    private final DownloadOptions options;
    private final LongFunction<Progress> progress;

    public PosterDownloader(DownloadOptions options, LongFunction<Progress> progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Fetches the poster of every movie that has a Poster URL. */
    public DownloadReport downloadMovies(List<MovieRecord> movies, Path folder) throws IOException {
        DownloadReport report = new DownloadReport();
        List<Job> jobs = new ArrayList<>();
        for (MovieRecord m : movies) {
            if (m.posterUrl() == null) {
                report.withoutUrl();
            } else {
                jobs.add(new Job(m.imdbId(), m.posterUrl()));
            }
        }
        return download(jobs, folder, report);
    }

    public DownloadReport download(List<Job> jobs, Path folder) throws IOException {
        return download(jobs, folder, new DownloadReport());
    }

    private DownloadReport download(List<Job> jobs, Path folder, DownloadReport report) throws IOException {
        Files.createDirectories(folder);
        report.staleParts(removeStaleParts(folder));
        Progress bar = progress.apply(jobs.size());
        ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "poster-download");
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "poster-deadline");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> {
                    fetchOne(job, folder, report, watchdog);
                    bar.step();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("poster download interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            // a poster that cannot be written (a full disk) stops the run: every other poster would fail the same way
            if (e.getCause() instanceof LocalWriteFailure w) throw w.failure;
            // fetchOne turns every other failure into the poster's own; this is a bug in the downloader itself
            throw new IOException("poster download failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            watchdog.shutdownNow();
            bar.done();
        }
        return report;
    }

    /**
     * Deletes the temporary files ({@code .<id>.jpg.<random>.part}) that a killed earlier run left
     * behind; a run into the same folder at the same time would lose its own (those posters fail
     * and are fetched by the next run).
     */
    static int removeStaleParts(Path folder) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(folder,
                p -> STALE_PART.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))) {
            for (Path p : parts) {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Every outcome, a bug in a decoder or the HTTP client included, ends as this poster's. */
    private void fetchOne(Job job, Path folder, DownloadReport report, ScheduledExecutorService watchdog)
            throws InterruptedException {
        try {
            fetchOrKeep(job, folder, report, watchdog);
        } catch (LocalWriteFailure e) {
            throw e;
        } catch (RuntimeException | Error e) {
            report.failed(new DownloadReport.Failed(job.imdbId(), job.url(), DownloadReport.Failure.UNEXPECTED,
                    String.valueOf(e)));
        }
    }

    private void fetchOrKeep(Job job, Path folder, DownloadReport report, ScheduledExecutorService watchdog)
            throws InterruptedException {
        long deadline = System.nanoTime() + options.deadline().toNanos();
        Path target = folder.resolve(job.imdbId() + ".jpg");
        FileKind kind = FileKind.of(target);
        if (kind != FileKind.MISSING && kind != FileKind.REGULAR) {   // a FIFO, a device, a folder: never deleted or replaced
            report.failed(new DownloadReport.Failed(job.imdbId(), job.url(), DownloadReport.Failure.IO_ERROR,
                    target + " is " + FileKind.describe(target) + ", not a regular file; it is left as it is"));
            return;
        }
        if (Files.exists(target)) {
            try {
                PosterImages.decode(target, options.maxPixels());
                report.skipped();
                return;
            } catch (PosterException e) {
                try {
                    Files.deleteIfExists(target);
                    report.replaced();
                } catch (IOException d) {
                    report.failed(new DownloadReport.Failed(job.imdbId(), job.url(), DownloadReport.Failure.IO_ERROR,
                            e.getMessage() + "; cannot delete it: " + d));
                    return;
                }
            }
        }
        Attempt last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            if (attempt > 1) {
                long wait = options.backoff().toMillis() << Math.min(attempt - 2, 20);
                if (TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) <= wait) {
                    last = new Attempt(DownloadReport.Failure.TOO_SLOW, "deadline of " + options.deadline()
                            + " reached after " + (attempt - 1) + " tries; last: " + last.reason + ", " + last.getMessage());
                    break;
                }
                Thread.sleep(wait);
            }
            try {
                fetchTo(job, folder, target, deadline, watchdog);
                report.fetched();
                return;
            } catch (Attempt a) {
                last = a;
                if (!a.retryable) {
                    break;
                }
            }
        }
        report.failed(new DownloadReport.Failed(job.imdbId(), job.url(), last.reason, last.getMessage()));
    }

    /** Milliseconds for a java.net timeout: the configured one, cut to what is left, at least 1 (0 = none). */
    private static int timeoutMillis(Duration configured, long nanosLeft) {
        return (int) Math.max(1, Math.min(configured.toMillis(), TimeUnit.NANOSECONDS.toMillis(nanosLeft)));
    }

    /**
     * One try: follows redirects, streams the body to a temporary file, checks it and renames it.
     * A watchdog disconnects at the poster's deadline, whatever the connection is waiting for.
     */
    private void fetchTo(Job job, Path folder, Path target, long deadline, ScheduledExecutorService watchdog)
            throws Attempt {
        URI uri = checkedUri(job.url(), null);
        for (int hop = 0; hop <= options.maxRedirects(); hop++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Attempt(DownloadReport.Failure.TOO_SLOW, "deadline of " + options.deadline() + " reached (" + uri + ")");
            }
            HttpURLConnection c = null;
            AtomicBoolean expired = new AtomicBoolean();
            ScheduledFuture<?> guard = null;
            try {
                c = (HttpURLConnection) uri.toURL().openConnection();
                HttpURLConnection connection = c;
                guard = watchdog.schedule(() -> {
                    expired.set(true);
                    connection.disconnect();
                }, left, TimeUnit.NANOSECONDS);
                c.setInstanceFollowRedirects(false);
                c.setConnectTimeout(timeoutMillis(options.connectTimeout(), left));
                c.setReadTimeout(timeoutMillis(options.readTimeout(), left));
                c.setRequestProperty("User-Agent", "marquee-poster-downloader");
                int status = c.getResponseCode();
                if (status >= 300 && status < 400 && c.getHeaderField("Location") != null) {
                    uri = checkedUri(c.getHeaderField("Location"), uri);
                    continue;
                }
                if (status != HttpURLConnection.HTTP_OK) {
                    throw new Attempt(DownloadReport.Failure.HTTP_ERROR, "HTTP " + status + " from " + uri,
                            status >= 500 || status == 429);
                }
                long length = c.getContentLengthLong();
                if (length > options.maxBytes()) {
                    throw new Attempt(DownloadReport.Failure.TOO_LARGE, length + " bytes announced, limit " + options.maxBytes());
                }
                save(c, length, folder, target, deadline, expired);
                return;
            } catch (IOException e) {
                if (expired.get() || deadline - System.nanoTime() <= 0) {
                    throw new Attempt(DownloadReport.Failure.TOO_SLOW, "deadline of " + options.deadline()
                            + " reached (" + uri + "): " + e.getMessage());
                }
                if (e instanceof SocketTimeoutException) {
                    throw new Attempt(DownloadReport.Failure.TIMEOUT, e.getMessage() + " (" + uri + ")");
                }
                throw new Attempt(DownloadReport.Failure.IO_ERROR, e + " (" + uri + ")");
            } catch (LocalWriteFailure e) {
                throw e;
            } catch (IllegalArgumentException e) {
                // the URL passed checkedUri but java.net refuses it when connecting
                throw new Attempt(DownloadReport.Failure.BAD_URL, e.getMessage() + " (" + uri + ")");
            } catch (RuntimeException e) {
                // HttpURLConnection wraps some connection errors, e.g. an IllegalArgumentException, in a RuntimeException
                for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                    if (t instanceof IllegalArgumentException || t instanceof java.net.MalformedURLException) {
                        throw new Attempt(DownloadReport.Failure.BAD_URL, t.getMessage() + " (" + uri + ")");
                    }
                }
                throw new Attempt(DownloadReport.Failure.UNEXPECTED, e + " (" + uri + ")");
            } finally {
                if (guard != null) {
                    guard.cancel(false);
                }
                if (c != null) {
                    c.disconnect();
                }
            }
        }
        throw new Attempt(DownloadReport.Failure.TOO_MANY_REDIRECTS, "more than " + options.maxRedirects() + " redirects");
    }

    /** This machine could not write {@code failure.file()}; unlike a server's fault it ends the whole run. */
    private static final class LocalWriteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient AtomicFiles.WriteFailedException failure;

        LocalWriteFailure(AtomicFiles.WriteFailedException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    @FunctionalInterface
    private interface LocalWrite<T> {
        T run() throws IOException;
    }

    /** Runs a write to the posters folder, turning its failure into a {@link LocalWriteFailure} that names {@code target}. */
    private static <T> T local(Path target, LocalWrite<T> write) {
        try {
            return write.run();
        } catch (IOException e) {
            throw new LocalWriteFailure(new AtomicFiles.WriteFailedException(target, e));
        }
    }

    private void save(HttpURLConnection c, long length, Path folder, Path target, long deadline, AtomicBoolean expired)
            throws IOException, Attempt {
        Path tmp = local(target, () -> AtomicFiles.temporaryFor(target, ".part"));
        try {
            long total = 0;
            byte[] head = new byte[8];
            int headLength = 0;
            long started = System.nanoTime();
            try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buffer = new byte[1 << 14];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                    if (total > options.maxBytes()) {
                        throw new Attempt(DownloadReport.Failure.TOO_LARGE, "over " + options.maxBytes() + " bytes");
                    }
                    int copy = Math.min(n, head.length - headLength);
                    System.arraycopy(buffer, 0, head, headLength, copy);
                    headLength += copy;
                    int count = n;
                    local(target, () -> {
                        out.write(buffer, 0, count);
                        return null;
                    });
                    long now = System.nanoTime();
                    if (now - deadline >= 0) {
                        throw new Attempt(DownloadReport.Failure.TOO_SLOW, "deadline of " + options.deadline()
                                + " reached after " + total + " bytes");
                    }
                    long elapsed = now - started;
                    if (options.minBytesPerSecond() > 0 && elapsed >= RATE_GRACE.toNanos()
                            && total * 1e9 / elapsed < options.minBytesPerSecond()) {
                        throw new Attempt(DownloadReport.Failure.TOO_SLOW, String.format(
                                "%,d bytes in %.1f s, below the minimum of %,d bytes/s", total, elapsed / 1e9,
                                options.minBytesPerSecond()));
                    }
                }
            } catch (IOException e) {
                if (e instanceof SocketTimeoutException || expired.get()) {
                    throw e;
                }
                throw new Attempt(DownloadReport.Failure.TRUNCATED, "after " + total + " bytes: " + e.getMessage());
            }
            if (length >= 0 && total != length) {
                throw new Attempt(DownloadReport.Failure.TRUNCATED, total + " of " + length + " bytes");
            }
            byte[] start = java.util.Arrays.copyOf(head, headLength);
            if (!PosterImages.isJpeg(start) && !PosterImages.isPng(start)) {
                throw new Attempt(DownloadReport.Failure.NOT_AN_IMAGE, "content type " + c.getContentType());
            }
            if (PosterImages.isJpeg(start) && !PosterImages.jpegComplete(Files.readAllBytes(tmp))) {
                throw new Attempt(DownloadReport.Failure.TRUNCATED, "JPEG without end-of-image marker, " + total + " bytes");
            }
            checkDecodes(tmp, total);
            local(target, () -> {
                FileKind.requireReplaceable(target, "the poster");
                AtomicFiles.moveInto(tmp, target);
                return target;
            });
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Only a poster that decodes (within the pixel limit) is kept. */
    private void checkDecodes(Path tmp, long bytes) throws Attempt {
        try {
            PosterImages.decode(tmp, options.maxPixels());
        } catch (PosterException e) {
            DownloadReport.Failure failure = switch (e.reason()) {
                case TRUNCATED -> DownloadReport.Failure.TRUNCATED;
                case TOO_LARGE -> DownloadReport.Failure.TOO_LARGE;
                case NOT_AN_IMAGE -> DownloadReport.Failure.NOT_AN_IMAGE;
                default -> DownloadReport.Failure.UNDECODABLE;
            };
            String message = e.getMessage().startsWith(tmp.toString()) ? e.getMessage().substring(tmp.toString().length() + 2)
                    : e.getMessage();
            throw new Attempt(failure, "body of " + bytes + " bytes: " + message);
        }
    }

    /** The URL (resolved against base for a redirect) if it is absolute http or https with a host. */
    static URI checkedUri(String text, URI base) throws Attempt {
        try {
            URI uri = new URI(text.trim());
            if (base != null) {
                uri = base.resolve(uri);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new Attempt(DownloadReport.Failure.BAD_URL, "only http and https URLs with a host: " + text);
            }
            if (uri.getPort() > 65535) {
                throw new Attempt(DownloadReport.Failure.BAD_URL, "port " + uri.getPort() + " out of range 0..65535: " + text);
            }
            return uri;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new Attempt(DownloadReport.Failure.BAD_URL, e.getMessage());
        }
    }
}
