package org.marquee.app.cluster;

import java.io.IOException;
import java.io.PrintStream;
import org.marquee.app.data.LoadedData;
import org.marquee.app.train.TrainingCompute;

/**
 * A cluster that trains and scores the model in data-parallel: it reads the posters where it
 * keeps them and runs model replicas next to them. {@code train --spark} and {@code evaluate
 * --spark} use one through {@link Clusters#connect}; the {@code spark} module provides it.
 */
public interface Cluster extends AutoCloseable {
    /** One line: what the cluster is (master, shards per step). */
    String describe();

    /**
     * Reads the catalogue and the posters {@code request} names through the cluster, decodes and
     * resizes them there and keeps them cached there. The returned data set's splits hold the ids
     * and labels on this machine; their pixels stay on the cluster (fetching a few, as the reports
     * do, is allowed but slow).
     */
    LoadedData load(DataRequest request, int imageSize, PrintStream out) throws IOException;

    /**
     * Where the steps and predictions of a model built by {@code recipe} run: replicas of it on the
     * cluster, each on its shard of every batch, for data sets this cluster {@link #load loaded}.
     */
    TrainingCompute.Factory compute(ModelRecipe recipe);

    /**
     * {@link org.marquee.app.train.InputNormalization#of} of {@code train} (a split of data this
     * cluster loaded), computed where the posters are: the same statistics, to the last bit.
     */
    org.marquee.app.train.InputNormalization normalizationOf(org.marquee.dataset.PosterDataset train);

    @Override
    void close();
}
