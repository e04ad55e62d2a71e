package org.marquee.app.cli;

import java.io.PrintStream;
import org.marquee.app.cluster.Cluster;
import org.marquee.app.cluster.Clusters;
import picocli.CommandLine.Option;

/** Where {@code train} and {@code evaluate} run: here, or on Apache Spark with {@code --spark}. */
public final class SparkMixin {
    @Option(names = "--spark", paramLabel = "MASTER",
            description = {"run on Apache Spark: local[N] on this machine, or a cluster's master URL (under spark-submit, the master"
                    + " it was given wins); the posters are read, decoded and kept on the executors, and each batch is split into"
                    + " shards that replicas of the model compute there, with the same result as here. --data and --posters may"
                    + " then be any URI Spark reads. Needs the spark module (see README, Training on Spark)"})
    String master;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "0",
            description = "with --spark: tasks per batch, 0 = the cluster's default parallelism (default: ${DEFAULT-VALUE})")
    int shards;

    /** Whether {@code --spark} was given. */
    boolean on() { return master != null; }

    /** Rejects bad values, and --spark without the spark module, before anything is read or written. */
    void check() {
        OptionRanges.check("--shards", shards, 0, 100_000);
        if (master != null && master.isBlank()) throw new IllegalArgumentException("--spark needs a master URL, for example local[2]");
        if (master == null && shards != 0) throw new IllegalArgumentException("--shards needs --spark");
        if (master != null) Clusters.requireProvider(master);
    }

    /** The cluster of {@code --spark}, or null without it. */
    Cluster connect(PrintStream out) {
        return master == null ? null : Clusters.connect(master, shards, out);
    }
}
