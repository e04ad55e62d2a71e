package org.marquee.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.marquee.app.cluster.ModelRecipe;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.nn.Sequential;

/**
 * The model replicas of one executor (one JVM), built on first use and kept for every later task:
 * a task borrows one, loads the weights it was sent, computes and gives it back. Concurrent tasks
 * get a replica each. Replicas are grouped by the model's architecture (its layer table and
 * parameter count): weights are always loaded before use, so any replica of that architecture will do.
 */
final class Replicas {
    private Replicas() {}

    private static final Map<String, ConcurrentLinkedQueue<Replica>> POOL = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong BUILT = new java.util.concurrent.atomic.AtomicLong();

    /** One model on its own cpu backend, with input tensors for each batch size it has seen. */
    static final class Replica {
        final Backend backend;
        final Sequential model;
        private final Map<Integer, Tensor[]> inputs = new ConcurrentHashMap<>();   // rows -> {x, y, dlogits}

        Replica(ModelRecipe recipe, int threads) {
            this.backend = new CpuBackend(threads);
            this.model = recipe.build(backend);
            BUILT.incrementAndGet();
        }

        /** {x (N, inputShape...), y (N, G), dL/dlogits (N, G)} for {@code rows} rows, allocated once. */
        Tensor[] inputs(int rows) {
            return inputs.computeIfAbsent(rows, n -> {
                int[] in = model.inputShape();
                int[] shape = new int[in.length + 1];
                shape[0] = n;
                System.arraycopy(in, 0, shape, 1, in.length);
                int g = model.outputShape()[0];
                return new Tensor[] {backend.allocate(shape), backend.allocate(n, g), backend.allocate(n, g)};
            });
        }

        /** Replaces the replica's weights with {@code weights} (every parameter, in block order, as {@link Floats} bytes). */
        void load(byte[] weights) {
            if (weights.length != 4 * model.parameterCount()) {
                throw new IllegalArgumentException("sent " + weights.length / 4 + " weights for a replica of " + model.parameterCount());
            }
            backend.upload(model.parameters(), Floats.fromBytes(weights));
        }
    }

    /** A replica of {@code architecture} to use alone until {@link #giveBack}; built with {@code recipe} when none is free. */
    static Replica borrow(String architecture, ModelRecipe recipe, int threads) {
        Replica r = POOL.computeIfAbsent(architecture, k -> new ConcurrentLinkedQueue<>()).poll();
        return r != null ? r : new Replica(recipe, threads);
    }

    static void giveBack(String architecture, Replica replica) {
        POOL.computeIfAbsent(architecture, k -> new ConcurrentLinkedQueue<>()).add(replica);
    }

    /** How many replicas this JVM has built so far (tests check that tasks reuse them). */
    static long built() {
        return BUILT.get();
    }

    /** The key replicas of {@code model}'s architecture share. */
    static String architecture(Sequential model) {
        return model.parameterCount() + "\n" + model.summary();
    }
}
