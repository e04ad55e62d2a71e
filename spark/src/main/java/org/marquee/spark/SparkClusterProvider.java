package org.marquee.spark;

import java.io.PrintStream;
import org.marquee.app.cluster.Cluster;
import org.marquee.app.cluster.ClusterProvider;

/** Registered for {@link java.util.ServiceLoader}: {@code train --spark MASTER} and {@code evaluate --spark MASTER} connect through it. */
public final class SparkClusterProvider implements ClusterProvider {
    @Override
    public Cluster connect(String master, int shards, PrintStream out) {
        out.println("starting Spark, master " + master + " ...");
        return SparkCluster.start(master, shards);
    }
}
