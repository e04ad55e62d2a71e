package org.marquee.app.cluster;

import java.io.PrintStream;
import java.util.ServiceLoader;

/** Finds the {@link ClusterProvider} on the class path. */
public final class Clusters {
    private Clusters() {}

    /** Connects through the first provider found; a clear error when the {@code spark} module is not on the class path. */
    public static Cluster connect(String master, int shards, PrintStream out) {
        for (ClusterProvider p : ServiceLoader.load(ClusterProvider.class)) {
            return p.connect(master, shards, out);
        }
        throw new IllegalStateException("--spark needs the spark module and Apache Spark on the class path, which this"
                + " launcher does not have: run through Maven (mvn -B -q -pl spark -am compile -Dmarquee.args=\"train --spark "
                + master + " ...\") or submit spark/target/marquee-spark.jar with spark-submit (see README, Training on Spark)");
    }
}
