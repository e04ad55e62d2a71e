package org.marquee.app.train;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.marquee.engine.Backend;
import org.marquee.engine.Storage;
import org.marquee.engine.Tensor;

/**
 * A backend that counts the tensors it has allocated and not yet released. It hands out tensors of
 * its own whose storage wraps one of the inner backend's tensors, and passes every primitive to the
 * inner backend with those tensors unwrapped, so the model runs exactly as on the inner backend.
 */
final class CountingBackend {
    private final Backend inner;
    private final Backend proxy;
    private int live, allocations, failAt;

    /** The storage of a counted tensor: the inner backend's tensor that holds the elements. */
    private final class Counted implements Storage {
        final Tensor held;
        boolean closed;

        Counted(Tensor held) { this.held = held; }

        @Override public long capacity() { return held.size(); }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            live--;
            held.close();
        }
    }

    CountingBackend(Backend inner) {
        this.inner = inner;
        this.proxy = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (self, method, args) -> {
                    if (method.getName().equals("allocate")) {
                        int[] shape = (int[]) args[0];
                        if (++allocations == failAt) throw new IllegalStateException("allocation " + failAt + " fails");
                        live++;
                        return Tensor.of((Backend) self, new Counted(inner.allocate(shape)), shape);
                    }
                    Object[] plain = args == null ? null : args.clone();
                    if (plain != null) {
                        for (int i = 0; i < plain.length; i++) if (plain[i] instanceof Tensor t) plain[i] = unwrap(t);
                    }
                    try {
                        return method.invoke(inner, plain);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private Tensor unwrap(Tensor t) {
        if (!(t.storage() instanceof Counted c)) return t;
        if (c.closed) throw new IllegalStateException(t + " was used after its storage was closed");
        return c.held.view(t.offset(), t.shape());
    }

    /** The counting backend: hand it to the code under test. */
    Backend backend() { return proxy; }

    /** Makes the {@code n}-th allocation from now on throw IllegalStateException, as an exhausted device would. */
    void failAllocation(int n) { failAt = allocations + n; }

    /** Tensors allocated through {@link #backend()} and not yet closed. */
    int live() { return live; }
}
