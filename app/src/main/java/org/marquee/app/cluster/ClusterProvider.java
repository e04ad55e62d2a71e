package org.marquee.app.cluster;

import java.io.PrintStream;

/** Makes {@link Cluster}s; found with {@link java.util.ServiceLoader} (the {@code spark} module registers one). */
public interface ClusterProvider {
    /**
     * Connects to {@code master} (a Spark master URL such as {@code local[2]}).
     *
     * @param shards shards of each batch, one task each; 0 = the cluster's default parallelism
     */
    Cluster connect(String master, int shards, PrintStream out);
}
