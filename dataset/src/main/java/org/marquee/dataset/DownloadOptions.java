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
 * @param deadline time allowed per poster, all tries, waits and redirects together; the read
 *     timeout restarts with every byte, this does not
 * @param minBytesPerSecond slowest accepted transfer, averaged over the body from
 *     {@link PosterDownloader#RATE_GRACE} on; 0 = no minimum
 * @param maxPixels largest accepted image, in pixels as its header declares them (checked before
 *     decoding; see {@link PosterImages#DEFAULT_MAX_PIXELS})
 */
public record DownloadOptions(int parallelism, Duration connectTimeout, Duration readTimeout, int maxAttempts,
        Duration backoff, long maxBytes, int maxRedirects, Duration deadline, long minBytesPerSecond, long maxPixels) {
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
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline per poster must be positive: " + deadline);
        }
        if (minBytesPerSecond < 0) {
            throw new IllegalArgumentException("minBytesPerSecond must be >= 0 (0 = no minimum): " + minBytesPerSecond);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
        }
    }

    /**
     * 8 at once, 10 s connect, 20 s read, 3 tries from 1 s backoff, 5 MiB, 5 redirects, 2 minutes
     * per poster, at least 1 KiB/s, 50 megapixels.
     */
    public static DownloadOptions defaults() {
        return new DownloadOptions(8, Duration.ofSeconds(10), Duration.ofSeconds(20), 3, Duration.ofSeconds(1),
                5L << 20, 5, Duration.ofMinutes(2), 1024, PosterImages.DEFAULT_MAX_PIXELS);
    }

    public DownloadOptions withParallelism(int n) {
        return new DownloadOptions(n, connectTimeout, readTimeout, maxAttempts, backoff, maxBytes, maxRedirects,
                deadline, minBytesPerSecond, maxPixels);
    }

    public DownloadOptions withTimeouts(Duration connect, Duration read) {
        return new DownloadOptions(parallelism, connect, read, maxAttempts, backoff, maxBytes, maxRedirects,
                deadline, minBytesPerSecond, maxPixels);
    }

    public DownloadOptions withRetries(int attempts, Duration firstBackoff) {
        return new DownloadOptions(parallelism, connectTimeout, readTimeout, attempts, firstBackoff, maxBytes,
                maxRedirects, deadline, minBytesPerSecond, maxPixels);
    }

    public DownloadOptions withMaxBytes(long bytes) {
        return new DownloadOptions(parallelism, connectTimeout, readTimeout, maxAttempts, backoff, bytes, maxRedirects,
                deadline, minBytesPerSecond, maxPixels);
    }

    /** The time allowed per poster and the slowest accepted transfer (0 = no minimum). */
    public DownloadOptions withDeadline(Duration perPoster, long minRate) {
        return new DownloadOptions(parallelism, connectTimeout, readTimeout, maxAttempts, backoff, maxBytes,
                maxRedirects, perPoster, minRate, maxPixels);
    }

    public DownloadOptions withMaxPixels(long pixels) {
        return new DownloadOptions(parallelism, connectTimeout, readTimeout, maxAttempts, backoff, maxBytes,
                maxRedirects, deadline, minBytesPerSecond, pixels);
    }
}
