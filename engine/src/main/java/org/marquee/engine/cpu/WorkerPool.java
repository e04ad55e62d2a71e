package org.marquee.engine.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed set of threads created once with the backend. {@link #run} splits one job into
 * {@code workers} parts, runs part 0 on the caller and the rest on the pool, and returns when all
 * are done. Calls from inside a part run sequentially (no nested fan-out, no deadlock).
 */
final class WorkerPool implements AutoCloseable {

    /** One part of a job: {@code worker} in [0, workers). */
    interface Part {
        void run(int worker, int workers);
    }

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private final int threads;
    private final ExecutorService executor;

    WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1: " + threads);
        this.threads = threads;
        if (threads == 1) {
            executor = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(() -> { INSIDE.set(true); r.run(); }, "marquee-cpu-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            executor = Executors.newFixedThreadPool(threads - 1, factory);
        }
    }

    int threads() { return threads; }

    /** Runs {@code part} on {@code min(parts, threads)} workers and waits for all of them. */
    void run(int parts, Part part) {
        int workers = Math.min(parts, threads);
        if (workers <= 1 || INSIDE.get()) {
            for (int w = 0; w < workers; w++) part.run(w, workers);
            return;
        }
        CountDownLatch done = new CountDownLatch(workers - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int w = 1; w < workers; w++) {
            int id = w;
            executor.execute(() -> {
                try {
                    part.run(id, workers);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        INSIDE.set(true);
        try {
            part.run(0, workers);
        } finally {
            INSIDE.set(false);
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for worker threads", e);
            }
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException re) throw re;
        if (e instanceof Error err) throw err;
        if (e != null) throw new IllegalStateException(e);
    }

    /**
     * Floats left unused after a small buffer that one thread writes over and over (a micro-kernel's
     * tile, a group's partial sums), so that the next object in memory, perhaps another thread's
     * buffer, never shares its last cache line (128 bytes: also the pair of lines fetched together).
     */
    static final int PAD = 32;

    /** Splits [0, n) into contiguous chunks of at least {@code grain} and runs {@code body(from, to)} on each. */
    void range(int n, int grain, RangeBody body) {
        int parts = Math.max(1, Math.min(threads, n / Math.max(1, grain)));
        run(parts, (w, ws) -> {
            long from = (long) n * w / ws, to = (long) n * (w + 1) / ws;
            if (from < to) body.run((int) from, (int) to);
        });
    }

    interface RangeBody {
        void run(int from, int to);
    }

    @Override
    public void close() {
        if (executor != null) executor.shutdownNow();
    }
}
