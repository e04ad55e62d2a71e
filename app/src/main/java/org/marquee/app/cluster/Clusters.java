package org.marquee.app.cluster;

import java.io.PrintStream;
import java.util.ServiceLoader;

/** Finds the {@link ClusterProvider} on the class path. */
public final class Clusters {
    private Clusters() {}

    /** Connects through the first provider found; a clear error when the {@code spark} module is not on the class path. */
    public static Cluster connect(String master, int shards, PrintStream out) {
        requireProvider(master);
        return ServiceLoader.load(ClusterProvider.class).findFirst().orElseThrow().connect(master, shards, out);
    }

    /** Fails, saying how to run with Spark, unless a provider is on the class path: checked before a command writes anything. */
    public static void requireProvider(String master) {
        if (ServiceLoader.load(ClusterProvider.class).findFirst().isPresent()) return;
        throw new IllegalStateException("--spark needs the spark module and Apache Spark on the class path, which this"
                + " launcher does not have: run through Maven (mvn -B -q -pl spark -am compile -Dmarquee.args=\"train --spark "
                + master + " ...\") or submit spark/target/marquee-spark.jar with spark-submit (see README, Training on Spark)");
    }
}
