package org.marquee.dataset;

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
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/**
 * Fetches posters from their Poster URLs into {@code folder/<imdbId>.jpg}. Only http and https
 * are followed (redirects included); the file name is built from the numeric id alone. Each
 * download goes to a temporary file that is renamed only when the body is complete, within the
 * size limit and a JPEG or PNG, so a file with the final name is always complete: a second run
 * skips those and fetches the rest.
 */
public final class PosterDownloader {
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
        Progress bar = progress.apply(jobs.size());
        ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "poster-download");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> {
                    fetchOne(job, folder, report);
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
            throw new IOException("poster download failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            bar.done();
        }
        return report;
    }

    private void fetchOne(Job job, Path folder, DownloadReport report) throws InterruptedException {
        Path target = folder.resolve(job.imdbId() + ".jpg");
        try {
            if (Files.isRegularFile(target) && Files.size(target) > 0) {
                report.skipped();
                return;
            }
        } catch (IOException e) {
            // unreadable entry: try to fetch it again
        }
        Attempt last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            if (attempt > 1) {
                Thread.sleep(options.backoff().toMillis() << Math.min(attempt - 2, 20));
            }
            try {
                fetchTo(job, folder, target);
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

    /** One try: follows redirects, streams the body to a temporary file, checks it and renames it. */
    private void fetchTo(Job job, Path folder, Path target) throws Attempt {
        URI uri = checkedUri(job.url(), null);
        for (int hop = 0; hop <= options.maxRedirects(); hop++) {
            HttpURLConnection c = null;
            try {
                c = (HttpURLConnection) uri.toURL().openConnection();
                c.setInstanceFollowRedirects(false);
                c.setConnectTimeout((int) options.connectTimeout().toMillis());
                c.setReadTimeout((int) options.readTimeout().toMillis());
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
                save(c, length, folder, target);
                return;
            } catch (SocketTimeoutException e) {
                throw new Attempt(DownloadReport.Failure.TIMEOUT, e.getMessage() + " (" + uri + ")");
            } catch (IOException e) {
                throw new Attempt(DownloadReport.Failure.IO_ERROR, e + " (" + uri + ")");
            } finally {
                if (c != null) {
                    c.disconnect();
                }
            }
        }
        throw new Attempt(DownloadReport.Failure.TOO_MANY_REDIRECTS, "more than " + options.maxRedirects() + " redirects");
    }

    private void save(HttpURLConnection c, long length, Path folder, Path target) throws IOException, Attempt {
        Path tmp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".part");
        try {
            long total = 0;
            byte[] head = new byte[8];
            int headLength = 0;
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
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                if (e instanceof SocketTimeoutException) {
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
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
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
            return uri;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new Attempt(DownloadReport.Failure.BAD_URL, e.getMessage());
        }
    }
}
