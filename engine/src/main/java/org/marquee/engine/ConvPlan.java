package org.marquee.engine;

/**
 * A backend's plan for the convolutions of one geometry: the route it computes them by, and the
 * workspace that route needs, allocated on first use and kept for the next call.
 *
 * <p>A layer asks its backend for one plan per convolution ({@link Backend#planConv}) when the
 * model is built and passes it to every convolution primitive; it never asks which route the
 * backend takes. The textbook route ({@link #textbook}) unfolds one image at a time into a
 * column matrix and needs three workspaces:
 * <pre>
 *   columns            (C*KH*KW, OH*OW)   one image's im2col matrix
 *   output(n)          (n, K, OH, OW)     the convolution's output before a fused 2x2 max pooling
 *   unpooledGradient(n)(n, K, OH, OW)     dY rebuilt from the pooling's gradient and winners
 * </pre>
 * A backend that computes the same sums straight from the image (the cpu backend's direct
 * convolution) plans with none of them. A backend may subclass this to keep state of its own
 * (a tuned kernel, say); it releases the workspace in {@link #close}.
 */
public class ConvPlan implements AutoCloseable {
    /** How a backend computes a plan's convolutions. */
    public enum Route {
        /** One image at a time through im2col, gemm and col2im ({@link #textbook}): every workspace. */
        TEXTBOOK("im2col + gemm"),
        /** Straight from the image, no column matrix (the cpu backend's direct convolution). */
        DIRECT("direct"),
        /** A group of images unfolded into one column matrix and one gemm (the OpenCL GPU family). */
        BATCHED("batched im2col + gemm");

        private final String description;

        Route(String description) { this.description = description; }

        /**
         * The route for people, e.g. "im2col + gemm".
         *
         * @return the description
         */
        public String description() { return description; }

        @Override public String toString() { return description; }
    }


    private final Backend backend;
    private final ConvGeometry geometry;
    private final Route route;
    private final boolean columns, output, unpooled;
    private Tensor cols;
    private Tensor y;        // (capacity, K, OH, OW)
    private Tensor dy;       // (capacity, K, OH, OW)

    /**
     * A plan for one convolution on one backend: its route and which workspaces the route needs.
     *
     * @param backend the backend whose primitives take this plan
     * @param geometry the convolution's geometry
     * @param route    how the backend computes these convolutions
     * @param columns  whether the route needs {@link #columns()}
     * @param output   whether a fused pooling needs the full output, {@link #output(int)}
     * @param unpooled whether the pooled backward needs {@link #unpooledGradient(int)}
     */
    protected ConvPlan(Backend backend, ConvGeometry geometry, Route route, boolean columns, boolean output, boolean unpooled) {
        if (backend == null || geometry == null || route == null) throw new IllegalArgumentException("backend, geometry and route must not be null");
        this.backend = backend;
        this.geometry = geometry;
        this.route = route;
        this.columns = columns;
        this.output = output;
        this.unpooled = unpooled;
    }

    /**
     * The route of {@link Backend}'s default primitives: im2col, gemm and col2im, with every workspace.
     *
     * @param backend the backend
     * @param g the convolution's geometry
     * @return a plan with the columns, output and unpooled-gradient workspaces
     */
    public static ConvPlan textbook(Backend backend, ConvGeometry g) {
        return new ConvPlan(backend, g, Route.TEXTBOOK, true, true, true);
    }

    /**
     * A route that needs no workspace from the plan: the backend keeps what it needs itself.
     *
     * @param backend the backend
     * @param g the convolution's geometry
     * @param route how the backend computes them, e.g. {@link Route#DIRECT}
     * @return a plan without workspaces
     */
    public static ConvPlan withoutWorkspace(Backend backend, ConvGeometry g, Route route) {
        return new ConvPlan(backend, g, route, false, false, false);
    }

    /**
     * The backend that made this plan.
     *
     * @return the backend
     */
    public Backend backend() { return backend; }
    /**
     * The geometry this plan was made for.
     *
     * @return the geometry
     */
    public ConvGeometry geometry() { return geometry; }
    /**
     * How the backend computes these convolutions, e.g. {@link Route#TEXTBOOK} or {@link Route#DIRECT}.
     *
     * @return the route
     */
    public Route route() { return route; }

    /**
     * One image's column matrix (C*KH*KW, OH*OW).
     *
     * @return the workspace, allocated on first use and kept
     */
    public Tensor columns() {
        require(columns, "a column workspace");
        if (cols == null) cols = backend.allocate(geometry.patch(), geometry.positions());
        return cols;
    }

    /**
     * The convolution's output for n images (n, K, OH, OW), for a route that pools from it.
     *
     * @param n the number of images
     * @return the workspace, (n, K, OH, OW), grown when n is larger than before
     */
    public Tensor output(int n) {
        require(output, "an output workspace");
        y = perBatch(y, n);
        return batch(y, n);
    }

    /**
     * dY for n images (n, K, OH, OW), unpooled from a pooling's gradient.
     *
     * @param n the number of images
     * @return the workspace, (n, K, OH, OW), grown when n is larger than before
     */
    public Tensor unpooledGradient(int n) {
        require(unpooled, "an unpooled-gradient workspace");
        dy = perBatch(dy, n);
        return batch(dy, n);
    }

    /**
     * Checks that this plan was made by backend {@code b}; a backend calls it before using the plan.
     *
     * @param b the backend about to use the plan
     */
    public void requireFor(Backend b) {
        if (b != backend) throw new IllegalArgumentException("convolution plan " + this + " was made by another backend");
    }

    private void require(boolean planned, String what) {
        if (!planned) throw new IllegalStateException("the " + route + " plan for " + geometry + " has no " + what);
    }

    private Tensor perBatch(Tensor block, int n) {
        if (n <= 0) throw new IllegalArgumentException("batch size must be positive: " + n);
        if (block != null && block.dim(0) >= n) return block;
        if (block != null) block.close();
        return backend.allocate(n, geometry.k(), geometry.oh(), geometry.ow());
    }

    private Tensor batch(Tensor block, int n) {
        return block.view(0, n, geometry.k(), geometry.oh(), geometry.ow());   // a view: only the plan releases the block
    }

    /** Releases the workspace; the plan allocates it again if used after. */
    @Override
    public void close() {
        for (Tensor t : new Tensor[] {cols, y, dy}) if (t != null) t.close();
        cols = y = dy = null;
    }

    @Override
    public String toString() { return route + " " + geometry; }
}
