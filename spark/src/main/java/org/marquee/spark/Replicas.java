package org.marquee.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.marquee.app.cluster.ModelRecipe;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.cpu.CpuOptions;
import org.marquee.engine.nn.Layer;
import org.marquee.engine.nn.Sequential;

/**
 * The model replicas one session ({@link SparkCluster}) keeps in one executor (one JVM), built on
 * first use and kept for every later task of the session: a task borrows one, loads the weights it
 * was sent, computes and gives it back; a task that fails closes its replica instead, as its state
 * is unknown. Concurrent tasks get a replica each. Replicas are grouped by {@link Key}: weights are
 * always loaded before use, so any replica of the same architecture on the same backend options will do.
 *
 * <p>The session owns its replicas: {@link #close(UUID)} closes them (their models and backends,
 * the backends' worker threads included). Tasks find their session's replicas by its id, as tasks
 * reach an executor's state only through its JVM.
 */
final class Replicas implements AutoCloseable {
    /** The replicas of each open session in this JVM, by session id. */
    private static final Map<UUID, Replicas> SESSIONS = new ConcurrentHashMap<>();

    private final Map<Key, ConcurrentLinkedQueue<Replica>> free = new ConcurrentHashMap<>();
    private final List<Replica> all = new ArrayList<>();
    private final AtomicLong built = new AtomicLong();
    private boolean closed;

    /** What replicas are interchangeable by: the model's layers and the options of the backend they run on. */
    record Key(Architecture architecture, CpuOptions options) implements Serializable {}

    /** A model's layers (name, type, output shape, parameters, in order) and its parameter count. */
    record Architecture(List<String> layers, long parameters) implements Serializable {
        static Architecture of(Sequential model) {
            List<String> layers = new ArrayList<>();
            for (Layer l : model.layers()) {
                layers.add(l.name() + " " + l.type() + " " + Arrays.toString(l.outputShape()) + " " + l.parameterCount());
            }
            return new Architecture(List.copyOf(layers), model.parameterCount());
        }
    }

    /** The replicas of session {@code session} in this JVM, made on its first task here. */
    static Replicas of(UUID session) {
        return SESSIONS.computeIfAbsent(session, k -> new Replicas());
    }

    /** The replicas of {@code session} in this JVM, or null if it has none (open). */
    static Replicas existing(UUID session) {
        return SESSIONS.get(session);
    }

    /** Closes the replicas of {@code session} in this JVM, if it has any; a later task of the session would start afresh. */
    static void close(UUID session) {
        Replicas r = SESSIONS.remove(session);
        if (r != null) r.close();
    }

    /** One model on its own cpu backend, with input tensors for each batch size it has seen. */
    static final class Replica implements AutoCloseable {
        final Backend backend;
        final Sequential model;
        private final Map<Integer, Tensor[]> inputs = new ConcurrentHashMap<>();   // rows -> {x, y, dlogits}

        Replica(ModelRecipe recipe, CpuOptions options) {
            this.backend = new CpuBackend(options);
            Sequential m;
            try {
                m = recipe.build(backend);
            } catch (RuntimeException | Error e) {
                backend.close();
                throw e;
            }
            this.model = m;
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

        @Override
        public void close() {
            for (Tensor[] t : inputs.values()) for (Tensor x : t) x.close();
            inputs.clear();
            model.close();
            backend.close();
        }
    }

    /** A replica of {@code key} to use alone until {@link #giveBack} or {@link #discard}; built with {@code recipe} when none is free. */
    Replica borrow(Key key, ModelRecipe recipe) {
        Replica r = free.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
        if (r != null) return r;
        r = new Replica(recipe, key.options());
        synchronized (this) {
            if (closed) {
                r.close();
                throw new IllegalStateException("the replicas of this session are closed");
            }
            all.add(r);
        }
        built.incrementAndGet();
        return r;
    }

    /** Returns {@code replica}, whose task succeeded, for the next task. */
    void giveBack(Key key, Replica replica) {
        synchronized (this) {
            if (closed) return;   // closed with the others already
        }
        free.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(replica);
    }

    /** Closes {@code replica}, whose task failed midway: no later task gets it. */
    void discard(Replica replica) {
        synchronized (this) {
            if (!all.remove(replica)) return;
        }
        replica.close();
    }

    /** How many replicas the session has built in this JVM (tests check that tasks reuse them). */
    long built() {
        return built.get();
    }

    /** The replicas of {@code key} waiting for a task. */
    List<Replica> free(Key key) {
        ConcurrentLinkedQueue<Replica> q = free.get(key);
        return q == null ? List.of() : List.copyOf(q);
    }

    /** Whether {@link #close()} was called. */
    synchronized boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        List<Replica> toClose;
        synchronized (this) {
            if (closed) return;
            closed = true;
            toClose = new ArrayList<>(all);
            all.clear();
        }
        free.clear();
        for (Replica r : toClose) r.close();
    }
}
