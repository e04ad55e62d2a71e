package org.marquee.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.marquee.app.cluster.ModelRecipe;
import org.marquee.app.train.Augmentation;
import org.marquee.app.train.InputNormalization;
import org.marquee.engine.fit.PositiveWeights;
import org.marquee.app.train.Predictions;
import org.marquee.app.train.TrainingCompute;
import org.marquee.dataset.PosterDataset;
import org.marquee.engine.Losses;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.cpu.CpuOptions;
import org.marquee.engine.nn.Sequential;
import scala.Tuple2;

/**
 * Synchronous data-parallel steps on Spark, the design of MLlib's gradient descent with an exact
 * batch: each step broadcasts the driver model's weights, each of P tasks computes the gradient of
 * its shard of the batch on a replica ({@link Worker#gradient}), and the driver adds the shards'
 * gradients, each weighted by its share of the rows, in shard order, into the model's gradients,
 * where the {@link org.marquee.app.train.Trainer} clips and steps Adam once, as on one machine.
 *
 * <p>Once per epoch the posters move to the task that needs them: every training poster is keyed
 * by the shard its position in the epoch's visiting order falls in, shuffled into P partitions and
 * kept there ({@link EpochShard}), so a step moves only weights and gradients. Predictions run
 * where the posters are cached ({@link Worker#logits}).
 */
final class SparkCompute implements TrainingCompute {
    private final SparkCluster cluster;
    private final JavaSparkContext sc;
    private final Sequential model;
    private final int batch;
    private final int shards;
    private final int[] trainIndex;   // training row -> index in the cluster's data set
    private final Worker.Plan plan;
    private final StepTraffic traffic = new StepTraffic();

    private double[] sum;     // the combined gradient in float64, reused every step
    private float[] total;    // and rounded to float32
    private int[] epochOrder;                  // the visiting order the current epoch's shards were laid out for
    private JavaRDD<EpochShard> epochShards;   // P partitions, one EpochShard each
    private Broadcast<int[]> epochPositions;   // in epochShards' lineage: kept while it is

    SparkCompute(SparkCluster cluster, ModelRecipe recipe, Sequential model, PosterDataset train, int batch,
                 Augmentation augmentation, long seed, InputNormalization normalization, PositiveWeights positives) {
        this.cluster = cluster;
        this.sc = cluster.context();
        this.model = model;
        this.batch = batch;
        this.shards = Math.min(cluster.shards(), batch);
        this.trainIndex = cluster.indexes(train);
        this.plan = new Worker.Plan(cluster.session(), Replicas.Architecture.of(model), replicaOptions(model.backend()), recipe,
                model.dropoutSeed(), augmentation, seed, normalization, positives, train.imageSize(), train.genres().size());
    }

    /**
     * The options the replicas' cpu backends get: the driver's, when it computes on the cpu backend
     * (its kernels, convolution and tuning; the thread count is each executor's, the cores a task
     * gets); the defaults with another backend on the driver.
     */
    static CpuOptions replicaOptions(org.marquee.engine.Backend driver) {
        return driver instanceof CpuBackend cpu ? cpu.options() : CpuOptions.defaults();
    }

    /** What the tasks run with (tests look at its backend options). */
    Worker.Plan plan() { return plan; }

    /** Bytes sent to and received from the tasks so far, for the benchmark. */
    StepTraffic traffic() { return traffic; }

    int shards() { return shards; }

    @Override
    public double gradient(int[] order, int from, long step) {
        if (from % batch != 0) throw new IllegalArgumentException("a step starts at a multiple of the batch size, not " + from);
        if (order != epochOrder) layOut(order);
        int s = from / batch;
        byte[] weights = Floats.toBytes(model.parameters().toFloats());
        Broadcast<byte[]> w = sc.broadcast(weights);
        Worker.Plan p = plan;
        List<ShardResult> results;
        try {
            results = epochShards.map(e -> Worker.gradient(p, w.value(), e, s, step)).collect();
        } finally {
            w.destroy();
        }
        traffic.add(weights.length, results.stream().filter(r -> r.gradient() != null).mapToLong(r -> r.gradient().length).sum());
        float[] total = combine(results, weights.length / 4);
        model.backend().upload(model.gradients(), total);
        double loss = 0;
        for (ShardResult r : results) loss += r.meanLoss() * r.rows();
        return loss / batch;
    }

    /**
     * The whole batch's gradient: shard j's gradient of its own mean loss weighted by rows_j / B,
     * added in shard order in double precision and rounded once, so the result does not depend on
     * which task finished first.
     */
    private float[] combine(List<ShardResult> results, int parameters) {
        List<ShardResult> ordered = new ArrayList<>(results);
        ordered.sort((a, b) -> Integer.compare(a.shard(), b.shard()));
        int rows = 0;
        for (ShardResult r : ordered) rows += r.rows();
        if (rows != batch) throw new IllegalStateException("the shards hold " + rows + " rows, the batch " + batch);
        if (sum == null || sum.length != parameters) {
            sum = new double[parameters];
            total = new float[parameters];
        }
        java.util.Arrays.fill(sum, 0);
        for (ShardResult r : ordered) {
            if (r.rows() == 0) continue;
            double weight = r.rows() / (double) batch;
            float[] g = Floats.fromBytes(r.gradient());
            for (int i = 0; i < parameters; i++) sum[i] += weight * g[i];
        }
        for (int i = 0; i < parameters; i++) total[i] = (float) sum[i];
        return total;
    }

    /** Moves each poster of the epoch's full batches to the partition of its shard and keeps it there. */
    private void layOut(int[] order) {
        int steps = order.length / batch, used = steps * batch;
        int[] positionOf = new int[cluster.size()];
        Arrays.fill(positionOf, -1);
        for (int p = 0; p < used; p++) positionOf[trainIndex[order[p]]] = p;
        Broadcast<int[]> positions = sc.broadcast(positionOf);
        int batchRows = batch, parts = shards;
        JavaRDD<EpochShard> laidOut = cluster.posters()
                .flatMapToPair(t -> {
                    int p = positions.value()[t._1()];
                    if (p < 0) return java.util.Collections.emptyIterator();
                    int shard = EpochShard.shardOf(p % batchRows, parts, batchRows);
                    return List.of(new Tuple2<>(shard, new EpochShard.Placed(p, t._2()))).iterator();
                })
                .partitionBy(new HashPartitioner(parts))   // key j < P lands in partition j
                .mapPartitionsWithIndex((j, it) -> {
                    List<EpochShard.Placed> placed = new ArrayList<>();
                    while (it.hasNext()) placed.add(it.next()._2());
                    return List.of(new EpochShard(j, parts, batchRows, steps, placed)).iterator();
                }, true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        laidOut.count();   // lay the epoch out now, not inside the first step
        dropEpoch();
        epochShards = laidOut;
        epochPositions = positions;
        epochOrder = order;
    }

    @Override
    public Predictions predict(PosterDataset data) {
        int[] index = cluster.indexes(data);
        int n = index.length, g = data.genres().size();
        int[] slotOf = new int[cluster.size()];
        Arrays.fill(slotOf, -1);
        for (int i = 0; i < n; i++) slotOf[index[i]] = i;
        Broadcast<byte[]> w = sc.broadcast(Floats.toBytes(model.parameters().toFloats()));
        Broadcast<int[]> slots = sc.broadcast(slotOf);
        Worker.Plan p = plan;
        int rows = batch;
        List<Tuple2<Integer, float[]>> out;
        try {
            JavaPairRDD<Integer, PosterRow> posters = cluster.posters();
            out = posters.mapPartitions(it -> Worker.logits(p, w.value(), slots.value(), rows, it)).collect();
        } finally {
            w.destroy();
            slots.destroy();
        }
        float[][] logits = new float[n][];
        for (Tuple2<Integer, float[]> t : out) logits[t._1()] = t._2();
        float[] truth = new float[n * g];
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        data.fillLabels(all, truth);
        double[][] probabilities = new double[n][g];
        boolean[][] labels = new boolean[n][g];
        double lossSum = 0;
        for (int i = 0; i < n; i++) {
            if (logits[i] == null) throw new IllegalStateException("the cluster returned no prediction for poster id " + data.id(i));
            for (int j = 0; j < g; j++) {
                double z = logits[i][j], t = truth[i * g + j];
                lossSum += Losses.binaryCrossEntropy(z, t);
                probabilities[i][j] = 1 / (1 + Math.exp(-z));
                labels[i][j] = t > 0.5;
            }
        }
        return new Predictions(probabilities, labels, n == 0 ? Double.NaN : lossSum / ((double) n * g));
    }

    /** Forgets the current epoch's layout: its cached partitions and the broadcast they were built from. */
    private void dropEpoch() {
        if (epochShards != null) epochShards.unpersist(false);
        if (epochPositions != null) epochPositions.destroy();
        epochShards = null;
        epochPositions = null;
        epochOrder = null;
    }

    @Override
    public void close() {
        dropEpoch();
    }
}
