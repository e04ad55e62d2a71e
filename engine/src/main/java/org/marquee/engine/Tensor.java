package org.marquee.engine;

import java.util.Arrays;

/**
 * A shaped window onto a backend-owned buffer.
 *
 * <p>A tensor is a {@link Storage} (the memory, owned by one {@link Backend}), an element offset
 * into it and a row-major shape. Views share storage: the model's parameters live in one
 * contiguous block and each layer's weights are views into it. Tensors carry no math; every
 * operation is a {@link Backend} primitive, so layer code runs unchanged on any backend.
 *
 * <p>The tensor a backend returns from {@link Backend#allocate} owns its storage and is the only
 * one that may release it ({@link #close()}); its views ({@link #view}, {@link #reshape},
 * {@link #slice}) borrow the storage and refuse to close it, so releasing memory cannot happen
 * behind the owner's back.
 */
public final class Tensor implements AutoCloseable {
    private final Backend backend;
    private final Storage storage;
    private final long offset;
    private final int[] shape;
    private final long size;
    private final boolean owner;

    Tensor(Backend backend, Storage storage, long offset, int[] shape, boolean owner) {
        this.backend = backend;
        this.storage = storage;
        this.offset = offset;
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        this.owner = owner;
        if (offset < 0 || offset + size > storage.capacity()) {
            throw new IllegalArgumentException("view " + Arrays.toString(shape) + " at offset " + offset
                    + " does not fit in storage of " + storage.capacity() + " elements");
        }
    }

    /**
     * Wraps a freshly allocated storage; used by backends in {@link Backend#allocate}. The tensor
     * owns the storage: {@link #close()} on it releases the storage.
     *
     * @param backend the backend that allocated the storage
     * @param storage the memory
     * @param shape the dimensions
     * @return a tensor that owns the storage
     */
    public static Tensor of(Backend backend, Storage storage, int... shape) {
        return new Tensor(backend, storage, 0, shape, true);
    }

    /**
     * The backend that allocated this tensor; only its primitives may read or write it.
     *
     * @return the backend
     */
    public Backend backend() { return backend; }
    /**
     * The memory behind this tensor, shared with its views; release it through the owner's {@link #close()}.
     *
     * @return the storage
     */
    public Storage storage() { return storage; }
    /**
     * Whether this tensor allocated its storage (and so may close it), rather than being a view of another.
     *
     * @return true for the owner, false for a view
     */
    public boolean ownsStorage() { return owner; }
    /**
     * Offset of the first element, in elements, inside {@link #storage()}.
     *
     * @return the offset, 0 for an owner
     */
    public long offset() { return offset; }
    /**
     * The dimensions, row-major: the last one varies fastest.
     *
     * @return a copy of the shape
     */
    public int[] shape() { return shape.clone(); }
    /**
     * The number of dimensions.
     *
     * @return the length of {@link #shape()}
     */
    public int rank() { return shape.length; }
    /**
     * One dimension of the shape.
     *
     * @param axis the dimension's index, 0 to rank - 1
     * @return its size
     */
    public int dim(int axis) { return shape[axis]; }
    /**
     * Number of elements.
     *
     * @return the product of the dimensions
     */
    public long size() { return size; }
    /**
     * Number of elements as an int, failing loudly if it does not fit.
     *
     * @return the product of the dimensions
     */
    public int intSize() { return Math.toIntExact(size); }

    /**
     * A view of {@code count} elements starting {@code start} elements into this tensor.
     *
     * @param start the offset of the view's first element, in elements
     * @param newShape the view's shape; its size must fit inside this tensor
     * @return a view sharing this storage
     */
    public Tensor view(long start, int... newShape) {
        long n = Shapes.size(newShape);
        if (start < 0 || start + n > size) {
            throw new IllegalArgumentException("view " + Arrays.toString(newShape) + " at " + start
                    + " exceeds tensor " + Arrays.toString(shape));
        }
        return new Tensor(backend, storage, offset + start, newShape, false);
    }

    /**
     * The same elements under another shape with the same size.
     *
     * @param newShape the new dimensions, with the same product
     * @return a view sharing this storage
     */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new Tensor(backend, storage, offset, newShape, false);
    }

    /**
     * The i-th slice along the first axis, e.g. one image of a batch.
     *
     * @param i the index along the first axis
     * @return a view of shape (dims 1..rank-1)
     */
    public Tensor slice(int i) {
        if (rank() < 2 || i < 0 || i >= shape[0]) {
            throw new IndexOutOfBoundsException("slice " + i + " of " + Arrays.toString(shape));
        }
        int[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        return new Tensor(backend, storage, offset + (long) i * Shapes.size(rest), rest, false);
    }

    /**
     * Copies this tensor's elements to the host.
     *
     * @return the elements in row-major order
     */
    public float[] toFloats() { return backend.download(this); }

    /**
     * Copies this tensor's elements to the host in double precision.
     *
     * @return the elements in row-major order
     */
    public double[] toDoubles() { return backend.downloadDoubles(this); }

    /**
     * Releases the storage (device memory at once on OpenCL); closing twice is harmless. Only the
     * owning tensor may do this: a view would free memory its owner and the other views still use.
     *
     * @throws IllegalStateException if this tensor is a view
     */
    @Override
    public void close() {
        if (!owner) {
            throw new IllegalStateException(this + " is a view of another tensor's storage and cannot close it;"
                    + " close the tensor that allocated the storage");
        }
        storage.close();
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + "@" + backend.name();
    }
}
