package org.marquee.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.marquee.app.cluster.ModelRecipe;
import org.marquee.app.train.Augmentation;
import org.marquee.app.train.Augmenter;
import org.marquee.app.train.InputNormalization;
import org.marquee.engine.fit.PositiveWeights;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuOptions;
import org.marquee.engine.nn.Loss;
import scala.Tuple2;

/** What the tasks run on the executors: a shard's gradient, and predictions for the posters of a partition. */
final class Worker {
    private Worker() {}

    /**
     * Everything a task needs besides the weights and its posters; the same for every step of a run:
     * the session whose replicas it uses ({@link Replicas}), the model's architecture, the driver's
     * cpu backend options the replicas compute with, and how the rows are drawn and weighed.
     */
    record Plan(UUID session, Replicas.Architecture architecture, CpuOptions backend, ModelRecipe recipe, long dropoutSeed,
                Augmentation augmentation, long seed, InputNormalization normalization, PositiveWeights positives, int imageSize,
                int genres) implements Serializable {

        /** The replicas this task may use: of this plan's architecture, on the driver's backend options with the task's threads. */
        Replicas.Key key() {
            return new Replicas.Key(architecture, backend.withThreads(threads()));
        }
    }

    /**
     * The gradient of the mean loss over this shard's rows of step {@code s} of the epoch, at
     * training step {@code step}: the replica runs the rows as rows {@code firstRow ..} of the whole
     * batch, so each row gets the dropout masks and augmentation it gets on one machine.
     */
    static ShardResult gradient(Plan plan, byte[] weights, EpochShard shard, int s, long step) {
        PosterRow[] rows = shard.rows(s);
        int n = rows.length;
        if (n == 0) return new ShardResult(shard.shard(), 0, null, 0);
        int per = 3 * plan.imageSize() * plan.imageSize(), g = plan.genres();
        float[] pixels = new float[n * per], labels = new float[n * g];
        Augmenter augmenter = plan.augmentation().isNone() ? null : new Augmenter(plan.augmentation(), plan.seed(), plan.imageSize());
        for (int i = 0; i < n; i++) {
            rows[i].pixels(pixels, i * per);
            if (augmenter != null) augmenter.apply(pixels, i * per, step, shard.firstRow() + i);
            if (plan.normalization() != null) plan.normalization().apply(pixels, i * per, per);
            System.arraycopy(rows[i].labels(), 0, labels, i * g, g);
        }
        Replicas replicas = Replicas.of(plan.session());
        Replicas.Key key = plan.key();
        Replicas.Replica r = replicas.borrow(key, plan.recipe());
        boolean done = false;
        try {
            r.load(weights);
            Tensor[] t = r.inputs(n);
            r.backend.upload(t[0], pixels);
            r.backend.upload(t[1], labels);
            r.model.setDropoutSeed(plan.dropoutSeed());   // a reused replica may come from a run with another seed
            r.model.setStep(step);
            r.model.setFirstRow(shard.firstRow());
            Tensor logits = r.model.forward(t[0], true);
            double loss;
            if (plan.positives() == null) {
                loss = Loss.sigmoidCrossEntropy(r.backend, logits, t[1], t[2]);
            } else {
                try (PositiveWeights.Loss weighted = plan.positives().open(r.backend, n)) {
                    loss = weighted.gradient(logits, t[1], labels, t[2]);
                }
            }
            r.model.zeroGradients();
            r.model.backward(t[2]);
            ShardResult result = new ShardResult(shard.shard(), n, Floats.toBytes(r.model.gradients().toFloats()), loss);
            r.model.setFirstRow(0);
            done = true;
            return result;
        } finally {
            if (done) replicas.giveBack(key, r); else replicas.discard(r);
        }
    }

    /**
     * The logits of every poster of a partition that has a slot ({@code slotOf[index] >= 0}), in
     * inference mode, {@code batch} posters at a time; each as (slot, logits).
     */
    static Iterator<Tuple2<Integer, float[]>> logits(Plan plan, byte[] weights, int[] slotOf, int batch,
                                                     Iterator<Tuple2<Integer, PosterRow>> posters) {
        List<PosterRow> wanted = new ArrayList<>();
        while (posters.hasNext()) {
            PosterRow p = posters.next()._2();
            if (slotOf[p.index()] >= 0) wanted.add(p);
        }
        List<Tuple2<Integer, float[]>> out = new ArrayList<>(wanted.size());
        if (wanted.isEmpty()) return out.iterator();
        int per = 3 * plan.imageSize() * plan.imageSize(), g = plan.genres();
        Replicas replicas = Replicas.of(plan.session());
        Replicas.Key key = plan.key();
        Replicas.Replica r = replicas.borrow(key, plan.recipe());
        boolean done = false;
        try {
            r.load(weights);
            for (int from = 0; from < wanted.size(); from += batch) {
                int n = Math.min(batch, wanted.size() - from);
                float[] pixels = new float[n * per];
                for (int i = 0; i < n; i++) {
                    wanted.get(from + i).pixels(pixels, i * per);
                    if (plan.normalization() != null) plan.normalization().apply(pixels, i * per, per);
                }
                Tensor[] t = r.inputs(n);
                r.backend.upload(t[0], pixels);
                float[] z = r.model.forward(t[0], false).toFloats();
                for (int i = 0; i < n; i++) {
                    float[] row = new float[g];
                    System.arraycopy(z, i * g, row, 0, g);
                    out.add(new Tuple2<>(slotOf[wanted.get(from + i).index()], row));
                }
            }
            done = true;
        } finally {
            if (done) replicas.giveBack(key, r); else replicas.discard(r);
        }
        return out.iterator();
    }

    /** Threads for a replica's backend: the cores Spark gives each task (spark.task.cpus, 1 unless set). */
    private static int threads() {
        TaskContext c = TaskContext.get();
        return c == null ? 1 : Math.max(1, c.cpus());
    }
}
