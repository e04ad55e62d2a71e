package org.marquee.dataset;

import java.io.IOException;
import java.nio.file.Path;

/** A poster file that cannot be used, with the reason; callers skip it and count the reason. */
public final class PosterException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a poster was skipped. */
    public enum Reason {
        MISSING("file does not exist"),
        EMPTY("file is empty"),
        NOT_AN_IMAGE("not a JPEG or PNG image"),
        TRUNCATED("image data ends early"),
        UNREADABLE("image could not be decoded"),
        TOO_LARGE("image declares more pixels than the limit");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Reason reason;

    public PosterException(Path file, Reason reason, String detail) {
        this(file, reason, detail, null);
    }

    public PosterException(Path file, Reason reason, String detail, Throwable cause) {
        this(String.valueOf(file), reason, detail, cause);
    }

    /** For a poster that is not a local file: {@code location} is its URI or name. */
    public PosterException(String location, Reason reason, String detail) {
        this(location, reason, detail, null);
    }

    /** For a poster that is not a local file: {@code location} is its URI or name. */
    public PosterException(String location, Reason reason, String detail, Throwable cause) {
        super(location + ": " + reason.description() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
