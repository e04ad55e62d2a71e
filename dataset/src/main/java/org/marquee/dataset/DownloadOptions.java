package org.marquee.dataset;

import java.time.Duration;

/**
 * How {@link PosterDownloader} fetches posters.
 *
 * @param parallelism downloads at once
 * @param connectTimeout limit for opening the connection
 * @param readTimeout limit for waiting on the server (for the response and between reads)
 * @param maxAttempts tries per poster (1 = no retry); only timeouts, I/O errors, truncated
 *     bodies and HTTP 5xx / 429 are retried
 * @param backoff wait before the second try; it doubles for each further try
 * @param maxBytes largest accepted poster
 * @param maxRedirects redirects followed per try (each must stay on http or https)
 */
public record DownloadOptions(int parallelism, Duration connectTimeout, Duration readTimeout, int maxAttempts,
        Duration backoff, long maxBytes, int maxRedirects) {
    public DownloadOptions {
        if (parallelism < 1 || parallelism > 256) {
            throw new IllegalArgumentException("parallelism must be in 1..256: " + parallelism);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + connectTimeout + ", " + readTimeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative: " + backoff);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must be >= 0: " + maxRedirects);
        }
    }

    /** 8 at once, 10 s connect, 20 s read, 3 tries from 1 s backoff, 5 MiB, 5 redirects. */
    public static DownloadOptions defaults() {
        return new DownloadOptions(8, Duration.ofSeconds(10), Duration.ofSeconds(20), 3, Duration.ofSeconds(1),
                5L << 20, 5);
    }

    public DownloadOptions withParallelism(int n) {
        return new DownloadOptions(n, connectTimeout, readTimeout, maxAttempts, backoff, maxBytes, maxRedirects);
    }

    public DownloadOptions withTimeouts(Duration connect, Duration read) {
        return new DownloadOptions(parallelism, connect, read, maxAttempts, backoff, maxBytes, maxRedirects);
    }

    public DownloadOptions withRetries(int attempts, Duration firstBackoff) {
        return new DownloadOptions(parallelism, connectTimeout, readTimeout, attempts, firstBackoff, maxBytes, maxRedirects);
    }

    public DownloadOptions withMaxBytes(long bytes) {
        return new DownloadOptions(parallelism, connectTimeout, readTimeout, maxAttempts, backoff, bytes, maxRedirects);
    }
}
