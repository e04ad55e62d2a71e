package org.marquee.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.marquee.app.cluster.Cluster;
import org.marquee.app.cluster.DataRequest;
import org.marquee.app.cluster.ModelRecipe;
import org.marquee.app.data.LoadedData;
import org.marquee.app.data.Subset;
import org.marquee.app.train.InputNormalization;
import org.marquee.app.train.TrainingCompute;
import org.apache.spark.broadcast.Broadcast;
import org.marquee.dataset.PosterDataset;
import org.marquee.dataset.Splits;
import org.marquee.dataset.SyntheticPosters;
import scala.Tuple2;

/**
 * A Spark context and the posters it holds: read, decoded and cached on the executors by
 * {@link #load}, each as a {@link PosterRow} keyed by its index in the data set. Steps and
 * predictions run on them through {@link SparkCompute}.
 */
public final class SparkCluster implements Cluster {
    private final JavaSparkContext sc;
    private final boolean ownsContext;
    private final int shards;
    private final UUID session = UUID.randomUUID();
    private JavaPairRDD<Integer, PosterRow> posters;
    private RemotePosters all;

    /** Uses {@code sc} (closed by the caller); {@code shards} per batch, 0 = its default parallelism. */
    public SparkCluster(JavaSparkContext sc, int shards) {
        this(sc, false, shards);
    }

    private SparkCluster(JavaSparkContext sc, boolean ownsContext, int shards) {
        if (shards < 0) throw new IllegalArgumentException("shards must be at least 0 (0 = default parallelism): " + shards);
        this.sc = sc;
        this.ownsContext = ownsContext;
        this.shards = shards > 0 ? shards : Math.max(1, sc.defaultParallelism());
    }

    /** Starts a Spark context on {@code master} (a spark-submit run passes its own master, which wins). */
    static SparkCluster start(String master, int shards) {
        return new SparkCluster(new JavaSparkContext(configure(new SparkConf(), master)), true, shards);
    }

    /** The log level of a context Marquee starts, unless its configuration names one (spark-submit --conf spark.log.level=INFO). */
    static final String LOG_LEVEL = "WARN";

    /**
     * {@code conf} named "marquee", on {@code master} unless it names one already (spark-submit's
     * {@code --master} wins), and logging warnings and errors only unless it sets {@code spark.log.level}:
     * Spark's INFO lines (several per task, hundreds per epoch) would bury the training's progress,
     * as {@code ./marquee} keeps them out of its output too.
     */
    static SparkConf configure(SparkConf conf, String master) {
        conf.setAppName("marquee");
        if (!conf.contains("spark.master")) conf.setMaster(master);
        if (!conf.contains("spark.log.level")) conf.set("spark.log.level", LOG_LEVEL);
        return conf;
    }

    JavaSparkContext context() { return sc; }
    /** The id this cluster's model replicas are kept under on the executors ({@link Replicas}), closed with it. */
    UUID session() { return session; }
    int shards() { return shards; }
    int size() { return all.size(); }

    JavaPairRDD<Integer, PosterRow> posters() {
        if (posters == null) throw new IllegalStateException("no posters loaded on the cluster yet");
        return posters;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "Spark %s, master %s, %d shards per batch, default parallelism %d", sc.version(),
                sc.master(), shards, sc.defaultParallelism());
    }

    @Override
    public LoadedData load(DataRequest request, int imageSize, PrintStream out) throws IOException {
        if (request.real()) return adopt(SparkPosters.read(this, request, imageSize, out));
        return adopt(synthetic(request.synthetic(), imageSize, request.splitSeed()));
    }

    /** {@code count} synthetic posters, drawn on the executors: the same posters, in the same order, as on one machine. */
    private Loaded synthetic(int count, int imageSize, long seed) {
        SyntheticPosters local = new SyntheticPosters(count, imageSize, seed);
        long[] ids = local.ids();
        float[][] labels = new float[count][];
        for (int i = 0; i < count; i++) labels[i] = local.labels(i);
        List<Integer> indexes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) indexes.add(i);
        JavaPairRDD<Integer, PosterRow> rows = sc.parallelize(indexes, shards).mapPartitionsToPair(it -> {
            SyntheticPosters drawn = new SyntheticPosters(count, imageSize, seed);
            List<Tuple2<Integer, PosterRow>> out = new ArrayList<>();
            while (it.hasNext()) {
                int i = it.next();
                out.add(new Tuple2<>(i, PosterRow.ofFloats(i, drawn.image(i), drawn.labels(i))));
            }
            return out.iterator();
        });
        return new Loaded(rows, ids, labels, local.genres(), imageSize, seed,
                String.format(Locale.ROOT, "%,d synthetic posters, %dx%d", count, imageSize, imageSize), List.of(), List.of());
    }

    /** What a reader produced: the posters on the cluster and, here, their ids and labels in order. */
    record Loaded(JavaPairRDD<Integer, PosterRow> rows, long[] ids, float[][] labels, org.marquee.dataset.GenreVocabulary genres,
                  int imageSize, long splitSeed, String description, List<org.marquee.dataset.MovieRecord> movies,
                  List<org.marquee.dataset.PosterCache.Failure> leftOut) {}

    /** Keeps {@code loaded}'s posters cached on the executors and splits them 60/20/20 as one machine does. */
    private LoadedData adopt(Loaded loaded) {
        if (posters != null) posters.unpersist(false);
        posters = loaded.rows().persist(StorageLevel.MEMORY_AND_DISK());
        long cached = posters.count();
        if (cached != loaded.ids().length) {
            throw new IllegalStateException("the cluster holds " + cached + " posters, expected " + loaded.ids().length);
        }
        all = new RemotePosters(loaded.imageSize(), loaded.genres(), loaded.ids(), loaded.labels(), this::fetch, loaded.leftOut());
        Splits s = Splits.of(loaded.ids(), loaded.splitSeed());
        return new LoadedData(all, new Subset(all, s.train()), new Subset(all, s.validation()), new Subset(all, s.test()),
                loaded.description(), loaded.movies(), null);
    }

    /** The posters at {@code indexes}, fetched from the executors. */
    private PosterRow[] fetch(int[] indexes) {
        java.util.Set<Integer> wanted = new java.util.HashSet<>();
        for (int i : indexes) wanted.add(i);
        return posters().filter(t -> wanted.contains(t._1())).values().collect().toArray(PosterRow[]::new);
    }

    /** Each poster of {@code data} (this cluster's data set or a split of it) as its index in the data set. */
    int[] indexes(PosterDataset data) {
        if (data == all) {
            int[] index = new int[all.size()];
            for (int i = 0; i < index.length; i++) index[i] = i;
            return index;
        }
        if (data instanceof Subset s && s.base() == all) return s.positions();
        throw new IllegalArgumentException("the cluster holds other posters than " + data + ": load them through it first");
    }

    @Override
    public InputNormalization normalizationOf(PosterDataset train) {
        int[] index = indexes(train);
        int[] slotOf = new int[all.size()];
        java.util.Arrays.fill(slotOf, -1);
        for (int i = 0; i < index.length; i++) slotOf[index[i]] = i;
        Broadcast<int[]> slots = sc.broadcast(slotOf);
        int per = all.pixelsPerImage();
        double[][] sums = new double[index.length][];
        try {
            for (Tuple2<Integer, double[]> t : posters().filter(p -> slots.value()[p._1()] >= 0).mapToPair(p -> {
                float[] pixels = new float[per];
                p._2().pixels(pixels, 0);
                return new Tuple2<>(slots.value()[p._1()], InputNormalization.channelSums(pixels, 0, per));
            }).collect()) {
                sums[t._1()] = t._2();
            }
        } finally {
            slots.destroy();
        }
        return InputNormalization.ofChannelSums(sums, per / 3);
    }

    @Override
    public TrainingCompute.Factory compute(ModelRecipe recipe) {
        return (model, train, batch, augmentation, seed, normalization, positives) ->
                new SparkCompute(this, recipe, model, train, batch, augmentation, seed, normalization, positives);
    }

    @Override
    public void close() {
        try {
            if (posters != null) posters.unpersist(false);
            posters = null;
            if (!ownsContext && !sc.isLocal()) closeReplicasOnExecutors();
        } finally {
            Replicas.close(session);   // this JVM's: all of them on local[N]
            if (ownsContext) sc.close();   // and with the context, the executors and their replicas end
        }
    }

    /**
     * Closes this session's replicas on the executors of a context that outlives this cluster: one
     * small task per core Spark offers, which reaches every executor that has a free core now (an
     * executor it misses keeps them until the application ends).
     */
    private void closeReplicasOnExecutors() {
        UUID id = session;
        int tasks = Math.max(1, sc.defaultParallelism());
        List<Integer> slots = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) slots.add(i);
        try {
            sc.parallelize(slots, tasks).foreach(i -> Replicas.close(id));
        } catch (RuntimeException e) {
            // the context is shutting down or the executors are gone, and their replicas with them
        }
    }
}
