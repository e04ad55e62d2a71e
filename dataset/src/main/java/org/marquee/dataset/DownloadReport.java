package org.marquee.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a {@link PosterDownloader} run did: fetched, skipped (already there), failed by reason. */
public final class DownloadReport {
    /** Why a poster could not be fetched. */
    public enum Failure {
        BAD_URL("URL is malformed or not http/https", false),
        HTTP_ERROR("server answered with an error status", false),
        TIMEOUT("connect or read timed out", true),
        TRUNCATED("body ended before its announced length", true),
        TOO_LARGE("larger than the size limit", false),
        NOT_AN_IMAGE("body is not a JPEG or PNG image", false),
        TOO_MANY_REDIRECTS("too many redirects", false),
        IO_ERROR("network or file error", true),
        TOO_SLOW("past the deadline per poster or below the minimum rate", false),
        UNDECODABLE("image does not decode", false),
        UNEXPECTED("unexpected error", false);

        private final String description;
        private final boolean retryable;

        Failure(String description, boolean retryable) {
            this.description = description;
            this.retryable = retryable;
        }

        public String description() {
            return description;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    /** One poster that failed: its id, the URL tried, why, and the last error's detail. */
    public record Failed(long imdbId, String url, Failure reason, String detail) {}

    private int fetched;
    private int skipped;
    private int withoutUrl;
    private int replaced;
    private int staleParts;
    private final List<Failed> failures = new ArrayList<>();

    synchronized void fetched() {
        fetched++;
    }

    synchronized void skipped() {
        skipped++;
    }

    synchronized void withoutUrl() {
        withoutUrl++;
    }

    synchronized void replaced() {
        replaced++;
    }

    synchronized void staleParts(int n) {
        staleParts += n;
    }

    synchronized void failed(Failed f) {
        failures.add(f);
    }

    public synchronized int fetchedCount() {
        return fetched;
    }

    /** Posters already present (complete files from an earlier run). */
    public synchronized int skippedCount() {
        return skipped;
    }

    /** Movies with no Poster URL in the CSV: nothing to fetch. */
    public synchronized int withoutUrlCount() {
        return withoutUrl;
    }

    /** Posters present but not decodable, deleted and fetched again (counted as fetched or failed too). */
    public synchronized int replacedCount() {
        return replaced;
    }

    /** Partial files left by interrupted earlier runs, removed at the start of this one. */
    public synchronized int stalePartsRemoved() {
        return staleParts;
    }

    public synchronized int failedCount() {
        return failures.size();
    }

    public synchronized List<Failed> failures() {
        return Collections.unmodifiableList(new ArrayList<>(failures));
    }

    public synchronized Map<Failure, Integer> failedByReason() {
        Map<Failure, Integer> m = new EnumMap<>(Failure.class);
        failures.forEach(f -> m.merge(f.reason(), 1, Integer::sum));
        return m;
    }

    public synchronized String summary() {
        StringBuilder s = new StringBuilder(String.format("fetched %,d, skipped %,d (already present), failed %,d, "
                + "no URL %,d%n", fetched, skipped, failures.size(), withoutUrl));
        if (replaced > 0) {
            s.append(String.format("  %,d present but undecodable: deleted and fetched again%n", replaced));
        }
        if (staleParts > 0) {
            s.append(String.format("  %,d partial files of interrupted runs removed%n", staleParts));
        }
        failedByReason().forEach((r, n) -> s.append(String.format("  failed %,6d  %s%n", n, r.description())));
        return s.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
