package org.marquee.spark;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Opens the path an option names on whatever file system Hadoop knows, turning each way it can
 * fail into one message naming the option, the path and the cause in words.
 */
final class SparkPaths {
    private SparkPaths() {}

    /** A path and the file system holding it. */
    record Located(Path path, FileSystem fs) {}

    static Located locate(String option, String location, Configuration conf) {
        Path path;
        try {
            path = new Path(location);
        } catch (IllegalArgumentException e) {
            throw failure(option, location, e);
        }
        try {
            return new Located(path, path.getFileSystem(conf));
        } catch (IOException | RuntimeException e) {
            throw failure(option, location, e);
        }
    }

    /** Whether {@code path} exists, a failure to ask being the option's error. */
    static boolean exists(String option, Located at) {
        try {
            return at.fs().exists(at.path());
        } catch (IOException | RuntimeException e) {
            throw failure(option, at.path().toString(), e);
        }
    }

    static boolean isDirectory(String option, Located at) {
        try {
            return at.fs().getFileStatus(at.path()).isDirectory();
        } catch (IOException | RuntimeException e) {
            throw failure(option, at.path().toString(), e);
        }
    }

    /** {@code e}, a failure to reach {@code location}, as an error naming the option, the path and the cause. */
    static IllegalArgumentException failure(String option, String location, Throwable e) {
        return new IllegalArgumentException(option + " " + location + ": " + cause(location, e), e);
    }

    static String cause(String location, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof URISyntaxException u) {
                return "not a valid URI (" + u.getReason() + (u.getIndex() >= 0 ? " at character " + (u.getIndex() + 1) : "") + ")";
            }
            if (t instanceof UnsupportedFileSystemException || String.valueOf(t.getMessage()).startsWith("No FileSystem for scheme")) {
                return "no file system for the scheme \"" + scheme(location) + "\" is known here (Hadoop knows file:, hdfs: and those"
                        + " whose jars are on the class path)";
            }
            if (t instanceof ClassNotFoundException c) {
                return "the file system for \"" + scheme(location) + ":\" is not on the class path (" + c.getMessage() + " is missing;"
                        + " add its jars, for s3a: hadoop-aws and the AWS SDK, with spark-submit --jars or --packages)";
            }
            if (t instanceof UnknownHostException) {
                return "the host " + t.getMessage() + " is unknown";
            }
            if (t instanceof ConnectException) {
                return "cannot connect to its server (connection refused: is it running, and is the port right?)";
            }
            if (t instanceof java.net.SocketTimeoutException) return "its server did not answer in time";
            if (t instanceof org.apache.hadoop.security.AccessControlException) return "permission denied";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String scheme(String location) {
        int colon = location.indexOf(':');
        return colon > 0 ? location.substring(0, colon) : location;
    }
}
