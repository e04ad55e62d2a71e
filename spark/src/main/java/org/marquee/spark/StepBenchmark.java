package org.marquee.spark;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.marquee.app.PosterModel;
import org.marquee.app.cluster.DataRequest;
import org.marquee.app.cluster.ModelRecipe;
import org.marquee.app.data.DataLoader;
import org.marquee.app.data.LoadedData;
import org.marquee.app.train.Augmentation;
import org.marquee.app.train.TrainOptions;
import org.marquee.app.train.TrainingCompute;
import org.marquee.engine.Backend;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Sequential;

/**
 * One training step of the poster model (batch 32, 224 x 224 by default) on this machine against the
 * same step on Spark {@code local[1]} and {@code local[2]}: milliseconds per step (median after
 * warm-up steps) and the bytes a step moves (the weights broadcast, the shards' gradients
 * collected). A plain benchmark, as Spark's own start-up and scheduling belong in the figure.
 *
 * <pre>
 *   mvn -B -q -pl spark -am compile -Dmarquee.main=org.marquee.spark.StepBenchmark -Dmarquee.args="--steps 6"
 * </pre>
 */
public final class StepBenchmark {
    private StepBenchmark() {}

    public static void main(String[] args) throws Exception {
        int steps = 6, warmup = 2, size = 224, batch = 32;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--image-size" -> size = Integer.parseInt(args[++i]);
                case "--batch-size" -> batch = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--steps, --warmup, --image-size, --batch-size)");
            }
        }
        PrintStream out = System.out;
        int posters = Math.max(5, (int) Math.ceil(batch / 0.6) + 2);   // a training split of at least one batch
        ModelRecipe recipe = PosterModel.recipe(42, size, size, 27);
        out.printf(Locale.ROOT, "training step, poster model %dx%d, batch %d, %d timed steps after %d warm-up, %d cores%n",
                size, size, batch, steps, warmup, Runtime.getRuntime().availableProcessors());
        LoadedData here = new DataLoader(new PrintStream(PrintStream.nullOutputStream())).synthetic(posters, size, 2017);
        report(out, "this machine (cpu backend, all cores)", time(TrainingCompute.LOCAL, recipe, here, batch, steps, warmup, 0), null);
        for (int cores : new int[] {1, 2}) {
            SparkConf conf = new SparkConf().setMaster("local[" + cores + "]").setAppName("marquee-step-benchmark")
                    .set("spark.ui.enabled", "false");
            try (JavaSparkContext sc = new JavaSparkContext(conf);
                 SparkCluster cluster = new SparkCluster(sc, cores)) {
                LoadedData data = cluster.load(new DataRequest(null, null, 0, posters, 2017, false), size,
                        new PrintStream(PrintStream.nullOutputStream()));
                StepTraffic[] traffic = new StepTraffic[1];
                double[] ms = time(cluster.compute(recipe), recipe, data, batch, steps, warmup, 0, traffic);
                report(out, "Spark local[" + cores + "], " + cores + " shard(s) of " + batch / cores + " rows, 1 thread each", ms, traffic[0]);
            }
        }
    }

    private static double[] time(TrainingCompute.Factory factory, ModelRecipe recipe, LoadedData data, int batch, int steps, int warmup,
                                 int threads) {
        return time(factory, recipe, data, batch, steps, warmup, threads, null);
    }

    /** Milliseconds of each timed step: the gradient (wherever it is computed) and the Adam step on this machine. */
    private static double[] time(TrainingCompute.Factory factory, ModelRecipe recipe, LoadedData data, int batch, int steps, int warmup,
                                 int threads, StepTraffic[] traffic) {
        try (Backend backend = new CpuBackend(threads);
             Sequential model = recipe.build(backend);
             Adam adam = Adam.forModel(model, TrainOptions.adam(5e-4, 1.0));
             TrainingCompute compute = factory.open(model, data.train(), batch, Augmentation.parse("flip"), 42, null, null)) {
            int[] order = org.marquee.engine.fit.Fit.permutation(data.train().size(), 42, 1);
            double[] ms = new double[steps];
            for (int s = 0; s < warmup + steps; s++) {
                long t0 = System.nanoTime();
                compute.gradient(order, 0, s);
                adam.step(model.parameters(), model.gradients());
                backend.synchronize();
                if (s >= warmup) ms[s - warmup] = (System.nanoTime() - t0) / 1e6;
            }
            if (traffic != null && compute instanceof SparkCompute sc) traffic[0] = sc.traffic();
            return ms;
        }
    }

    private static void report(PrintStream out, String what, double[] ms, StepTraffic traffic) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        out.printf(Locale.ROOT, "  %-62s median %7.1f ms/step (min %.1f, max %.1f)%s%n", what, sorted[sorted.length / 2], sorted[0],
                sorted[sorted.length - 1], traffic == null ? "" : String.format(Locale.ROOT,
                        "; per step: weights %.1f MB broadcast, gradients %.1f MB collected", traffic.weightBytesPerStep() / 1e6,
                        traffic.gradientBytesPerStep() / 1e6));
    }
}
