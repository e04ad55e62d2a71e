package org.marquee.spark;

import java.io.PrintStream;
import org.marquee.app.cluster.Cluster;
import org.marquee.app.cluster.ClusterProvider;

/** Registered for {@link java.util.ServiceLoader}: {@code train --spark MASTER} and {@code evaluate --spark MASTER} connect through it. */
public final class SparkClusterProvider implements ClusterProvider {
    @Override
    public Cluster connect(String master, int shards, PrintStream out) {
        checkJava(Runtime.version().feature());
        out.println("starting Spark, master " + master + " ...");
        return SparkCluster.start(master, shards);
    }

    /** Newest Java that Spark 4.0's Hadoop client runs on: from 23 on, Subject.getSubject, which it calls, throws. */
    static final int NEWEST_JAVA = 22;

    /** Refuses a Java Spark cannot start on, with what to do instead of Hadoop's "getSubject is not supported". */
    static void checkJava(int feature) {
        if (feature > NEWEST_JAVA) {
            throw new IllegalStateException("Spark 4.0 does not start on Java " + feature + " (its Hadoop client calls"
                    + " Subject.getSubject, which Java 23 and later no longer support); run --spark with JDK 17 or 21, for example"
                    + " JAVA_HOME=/path/to/jdk-17");
        }
    }
}
