package org.marquee.opencl;

import static org.marquee.engine.TensorChecks.requireSize;
import static org.marquee.engine.TensorChecks.requireUploadLength;
import static org.marquee.engine.TensorChecks.sameSize;

import static org.jocl.CL.CL_TRUE;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Backend;
import org.marquee.engine.ConvGeometry;
import org.marquee.engine.ConvPlan;
import org.marquee.engine.Precision;
import org.marquee.engine.SgdConfig;
import org.marquee.engine.Shapes;
import org.marquee.engine.Tensor;

/**
 * The {@link Backend} primitives as hand-written OpenCL C kernels ({@code kernels/*.cl}) on one
 * device, float32 storage. Every kernel takes element offsets, so views work everywhere.
 *
 * <p>Work is queued in order on one command queue; {@link #download} blocks until the data is
 * there, {@link #synchronize()} waits for everything. Host and device meet only in
 * {@link #upload} and {@link #download}. An instance is not thread-safe (kernel arguments are
 * shared state). {@link #close()} releases the scratch buffer, programs, queue and context;
 * tensors must be closed ({@link org.marquee.engine.Tensor#close()}) by their owners.
 */
public final class OpenClBackend implements Backend {
    /** Work-items per work-group of the reduction kernels ({@code RWG} in {@code reduce.cl}). */
    static final int REDUCE_GROUP = 256;
    /** At most this many work-groups in the first pass of a reduction (its partial sums fit {@link #reduction}). */
    static final int MAX_REDUCE_GROUPS = 1024;
    /** Losses whose value may wait in {@link #reduction} to be read ({@link #sigmoidCrossEntropyLater}). */
    static final int LOSS_SLOTS = 64;

    private final OpenClContext cl;
    private final GemmKernel gemmKernel;    // the CPU family's kernel
    private final ClGemm gemm;
    private final GpuGemm gpuGemm;          // the GPU family's variants and tuner; null for the CPU family
    private ClStorage scratch;              // (scratchCapacity) floats, grown on demand
    private ClStorage reduction;            // partial sums (MAX_REDUCE_GROUPS doubles), a result, LOSS_SLOTS losses
    private long losses;                    // losses computed so far (sigmoidCrossEntropyLater)

    /**
     * How GEMMs run: the kernel family (null: {@link GemmFamily#forKind} of the device), whether
     * the GPU family tunes its variant per shape (else the first that fits everywhere), where its
     * tuning cache lives (null when it does not tune), and where notes about that cache go (a
     * corrupt file, a failed write).
     *
     * @param family             the GEMM family, null for the device's
     * @param tune               whether the GPU family times its variants per shape class
     * @param tuneCacheDirectory the folder of the tuning cache; needed when {@code tune}, may be null otherwise
     * @param log                receives notes about the cache
     */
    public record Options(GemmFamily family, boolean tune, java.nio.file.Path tuneCacheDirectory,
                          java.util.function.Consumer<String> log) {
        /** The setting that forces a GEMM family: auto, cpu or gpu. */
        public static final String FAMILY_PROPERTY = GemmFamily.PROPERTY;
        /** The setting that turns the GPU family's tuning on or off. */
        public static final String TUNE_PROPERTY = GpuGemm.TUNE_PROPERTY;
        /** The setting naming the folder of the GPU family's tuning cache. */
        public static final String TUNE_CACHE_PROPERTY = GemmTuneCache.DIRECTORY_PROPERTY;

        /**
         * Checks that a tuning backend has a cache folder and that a log is given.
         *
         * @param family             the GEMM family, null for the device's
         * @param tune               whether the GPU family times its variants per shape class
         * @param tuneCacheDirectory the folder of the tuning cache; needed when {@code tune}
         * @param log                receives notes about the cache
         */
        public Options {
            if (tune) java.util.Objects.requireNonNull(tuneCacheDirectory, "tuneCacheDirectory (tuning needs a cache folder)");
            java.util.Objects.requireNonNull(log, "log");
        }

        /**
         * The built-in defaults, which read nothing: the device's family, no tuning (the first
         * variant that fits), no cache, notes to standard error.
         *
         * @return the default options
         */
        public static Options defaults() { return new Options(null, false, null, System.err::println); }

        /**
         * The defaults with each setting given in {@code p} taken from it: {@value #FAMILY_PROPERTY}
         * (auto, cpu, gpu), {@value #TUNE_PROPERTY} (on, off; not set: off) and
         * {@value #TUNE_CACHE_PROPERTY} (a folder, needed when tuning). The command line passes its
         * system properties, with tuning on and a cache in {@code ~/.cache/marquee} where its user
         * set none ({@link OpenClProvider#commandLineDefaults}).
         *
         * @param p the settings to read
         * @return the options {@code p} asks for
         * @throws IllegalArgumentException when a setting has another value, or tuning has no cache folder
         */
        public static Options fromProperties(java.util.Properties p) {
            String tuneText = p.getProperty(TUNE_PROPERTY);
            boolean tune;
            if (tuneText == null || tuneText.isBlank() || tuneText.trim().equalsIgnoreCase("off")) tune = false;
            else if (tuneText.trim().equalsIgnoreCase("on")) tune = true;
            else throw new IllegalArgumentException(TUNE_PROPERTY + " must be on or off, got \"" + tuneText + "\"");
            String dir = p.getProperty(TUNE_CACHE_PROPERTY);
            java.nio.file.Path cache = dir == null || dir.isBlank() ? null : java.nio.file.Path.of(dir.trim());
            if (tune && cache == null) throw new IllegalArgumentException(TUNE_PROPERTY + "=on needs " + TUNE_CACHE_PROPERTY + ", the tuning cache's folder");
            return new Options(GemmFamily.parse(p.getProperty(FAMILY_PROPERTY)), tune, cache, System.err::println);
        }

        /**
         * These options with the family forced.
         *
         * @param family the GEMM family, null for the device's
         * @return the changed options
         */
        public Options withFamily(GemmFamily family) { return new Options(family, tune, tuneCacheDirectory, log); }

        /**
         * These options with tuning on or off.
         *
         * @param tune whether the GPU family tunes
         * @return the changed options
         */
        public Options withTuning(boolean tune) { return new Options(family, tune, tuneCacheDirectory, log); }
    }

    /**
     * Opens {@code device} with {@link Options#defaults()} and builds every kernel program; GEMMs
     * use the family of the device, untuned.
     *
     * @param device the device
     */
    public OpenClBackend(OpenClDevices.Device device) {
        this(device, Options.defaults());
    }

    /**
     * The CPU family with this kernel, whatever the device; used to test and time each kernel.
     *
     * @param device     the device
     * @param gemmKernel the CPU family's GEMM kernel
     */
    public OpenClBackend(OpenClDevices.Device device, GemmKernel gemmKernel) {
        this(device, Options.defaults().withFamily(GemmFamily.CPU), gemmKernel);
    }

    /**
     * {@link #OpenClBackend(OpenClDevices.Device)} with the family forced (the other options the defaults).
     *
     * @param device the device
     * @param family the GEMM family
     */
    public OpenClBackend(OpenClDevices.Device device, GemmFamily family) {
        this(device, Options.defaults().withFamily(family));
    }

    public OpenClBackend(OpenClDevices.Device device, Options options) {
        this(device, options, GemmKernel.TILED);
    }

    private OpenClBackend(OpenClDevices.Device device, Options options, GemmKernel gemmKernel) {
        GemmFamily family = options.family() != null ? options.family() : GemmFamily.forKind(device.kind());
        this.cl = new OpenClContext(device, programsOf(family));
        this.gemmKernel = gemmKernel;
        this.gemm = new ClGemm(cl, this::scratch);
        try {
            this.gpuGemm = family == GemmFamily.GPU
                    ? new GpuGemm(cl, gemm, options.tune(), options.tuneCacheDirectory(), options.log()) : null;
        } catch (RuntimeException e) {
            cl.close();
            throw e;
        }
    }

    /**
     * The programs a backend of {@code family} builds when it opens: the common ones and its
     * family's GEMM and convolution programs (the GPU family's GEMM variants are built when first
     * used). Nothing of the other family is built unless a kernel of it is called, so on a GPU
     * {@code gemm.cl} (48 KiB of local memory per work-group) is never compiled.
     */
    static java.util.List<String> programsOf(GemmFamily family) {
        java.util.List<String> files = new java.util.ArrayList<>(OpenClContext.COMMON);
        files.addAll(family == GemmFamily.GPU ? java.util.List.of("conv_batch.cl") : java.util.List.of("gemm.cl", "conv.cl"));
        return files;
    }

    /** The programs built so far, e.g. {@code gemm_gpu.cl [-DMWG=64 ...]}, in build order. */
    public java.util.List<String> builtPrograms() {
        return cl.builtPrograms().stream().map(Object::toString).toList();
    }

    @Override public String name() { return "opencl"; }
    @Override public Precision precision() { return Precision.FLOAT32; }

    /** The GEMM kernel family in use. */
    public GemmFamily gemmFamily() { return gpuGemm == null ? GemmFamily.CPU : GemmFamily.GPU; }

    /**
     * Device and GEMM: on the CPU family its kernel ({@code gemm cpu family, tiled}), on the GPU
     * family whether it tunes, its cache file and the variant chosen per shape class so far.
     */
    @Override
    public String describe() {
        OpenClDevices.Device d = cl.device();
        String gemmText = gpuGemm == null ? "gemm cpu family, " + gemmKernel.name().toLowerCase(java.util.Locale.ROOT) : gpuGemm.describe();
        return "opencl (float32, " + d.name() + ", " + d.platform() + ", " + d.computeUnits() + " compute units, " + gemmText + ")";
    }

    /**
     * Times every GPU GEMM variant that fits this device on each shape and rewrites the tuning
     * cache with the winners; for {@code devices --tune}.
     *
     * @throws IllegalStateException on the CPU family (one kernel, nothing to tune) or with tuning off
     */
    public java.util.List<GpuGemm.Tuning> retuneGemm(java.util.List<GpuGemm.Shape> shapes) {
        if (gpuGemm == null) throw new IllegalStateException("the CPU GEMM family has one kernel; nothing to tune (force the GPU family to tune it)");
        return gpuGemm.retune(shapes);
    }

    /** The GPU GEMM variants that fit this device, in their untuned order; empty on the CPU family. */
    public java.util.List<GpuGemmVariant> gemmCandidates() {
        return gpuGemm == null ? java.util.List.of() : gpuGemm.candidates();
    }

    /** The GPU family's tuning cache file, or null (CPU family, or tuning off). */
    public java.nio.file.Path gemmTuneCacheFile() { return gpuGemm == null ? null : gpuGemm.cacheFile(); }

    /**
     * Images per launch of the GPU family's batched convolution for a batch of {@code batch}: the
     * whole batch, or fewer where the column matrix (patch x images*positions) would pass 512 MiB.
     * Its GEMMs have N (forward, input gradient) or K (weight gradient) = images x positions.
     */
    public static int batchedConvImages(int patch, int filters, int positions, int batch) {
        return BatchedConvPlan.imagesPerGroup(patch, filters, positions, batch);
    }

    /** The device this backend runs on. */
    public OpenClDevices.Device device() { return cl.device(); }

    /** Host-device copies made so far: uploads, downloads and the partial sums of reductions. */
    public HostTransfers hostTransfers() { return cl.transfers(); }

    /** The context this backend runs in; for tests. */
    OpenClContext context() { return cl; }

    /** Shows every kernel launch from now on to {@code listener} (null: none); for tests of launch sizes. */
    void onLaunch(java.util.function.Consumer<OpenClContext.Launch> listener) { cl.onLaunch(listener); }

    /** clFlush calls so far: one after each GEMM of the GPU family and after each non-blocking read. */
    public long flushes() { return cl.flushes(); }

    /** Kernels enqueued so far (each costs a launch on the device, a few microseconds on a GPU). */
    public long kernelLaunches() { return cl.launches(); }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor allocate(int... shape) {
        return Tensor.of(this, cl.allocate(Shapes.size(shape)), shape);
    }

    private ClStorage mem(Tensor t) {
        if (t.backend() != this) throw new IllegalArgumentException(t + " does not belong to this OpenCL backend");
        return (ClStorage) t.storage();
    }

    private static int off(Tensor t) { return Math.toIntExact(t.offset()); }

    @Override
    public void upload(Tensor dst, float[] src) {
        requireUploadLength(dst, src.length);
        OpenClException.check(CL.clEnqueueWriteBuffer(cl.queue(), mem(dst).memory(), CL_TRUE, dst.offset() * Sizeof.cl_float,
                (long) src.length * Sizeof.cl_float, Pointer.to(src), 0, null, null), "clEnqueueWriteBuffer");
        cl.countUpload((long) src.length * Sizeof.cl_float);
    }

    @Override
    public void upload(Tensor dst, double[] src) {
        float[] f = new float[src.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) src[i];
        upload(dst, f);
    }

    @Override
    public float[] download(Tensor src) {
        float[] out = new float[src.intSize()];
        OpenClException.check(CL.clEnqueueReadBuffer(cl.queue(), mem(src).memory(), CL_TRUE, src.offset() * Sizeof.cl_float,
                (long) out.length * Sizeof.cl_float, Pointer.to(out), 0, null, null), "clEnqueueReadBuffer");
        cl.countRead((long) out.length * Sizeof.cl_float);
        return out;
    }

    @Override
    public double[] downloadDoubles(Tensor src) {
        float[] f = download(src);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    @Override
    public void fill(Tensor dst, double value) {
        cl.fill(mem(dst).memory(), dst.offset(), dst.size(), (float) value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.size() != dst.size()) throw new IllegalArgumentException("copy " + src + " -> " + dst + ": sizes differ");
        boolean overlap = src.storage() == dst.storage()
                && src.offset() < dst.offset() + dst.size() && dst.offset() < src.offset() + src.size();
        if (src.storage() == dst.storage() && src.offset() == dst.offset()) return;
        if (overlap) {
            // clEnqueueCopyBuffer forbids overlap: stage through the scratch buffer.
            ClStorage tmp = scratch(src.size());
            copyBytes(mem(src), src.offset(), tmp, 0, src.size());
            copyBytes(tmp, 0, mem(dst), dst.offset(), src.size());
        } else {
            copyBytes(mem(src), src.offset(), mem(dst), dst.offset(), src.size());
        }
    }

    private void copyBytes(ClStorage from, long fromOffset, ClStorage to, long toOffset, long count) {
        OpenClException.check(CL.clEnqueueCopyBuffer(cl.queue(), from.memory(), to.memory(), fromOffset * Sizeof.cl_float,
                toOffset * Sizeof.cl_float, count * Sizeof.cl_float, 0, null, null), "clEnqueueCopyBuffer");
    }

    /** The scratch buffer, at least {@code floats} long; its contents are not kept between calls. */
    private ClStorage scratch(long floats) {
        if (scratch == null || scratch.capacity() < floats) {
            if (scratch != null) scratch.close();
            scratch = null;
            scratch = cl.allocate(Math.max(floats, 1 << 16));
        }
        return scratch;
    }

    // ---------------------------------------------------------------- gemm

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        if (gpuGemm == null) {
            gemm(gemmKernel, transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }
        checkGemm(m, n, k, a, b, c);
        GpuGemmVariant v = gpuGemm.choose(transA, transB, m, n, k, mem(a), off(a), mem(b), off(b));
        gemm.run(v, 0, transA, transB, m, n, k, alpha, mem(a), off(a), mem(b), off(b), beta, mem(c), off(c));
        cl.flush();   // the device starts on the GEMM while the host enqueues what follows
    }

    /**
     * {@link #gemm} with a chosen GPU variant, K split into {@code slabs} slabs (0: as the backend
     * would); used to test each variant. Works on either family.
     */
    public void gemm(GpuGemmVariant variant, int slabs, boolean transA, boolean transB, int m, int n, int k,
                     double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        checkGemm(m, n, k, a, b, c);
        gemm.run(variant, slabs, transA, transB, m, n, k, alpha, mem(a), off(a), mem(b), off(b), beta, mem(c), off(c));
    }

    private static void checkGemm(int m, int n, int k, Tensor a, Tensor b, Tensor c) {
        if (m <= 0 || n <= 0 || k <= 0) throw new IllegalArgumentException("gemm sizes must be positive: M=" + m + " N=" + n + " K=" + k);
        requireSize("gemm A", a, (long) m * k);
        requireSize("gemm B", b, (long) k * n);
        requireSize("gemm C", c, (long) m * n);
    }

    /** {@link #gemm} with a chosen kernel version; used to test and time each version. */
    public void gemm(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k,
                     double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        checkGemm(m, n, k, a, b, c);
        gemm.run(kernel, transA, transB, m, n, k, alpha, mem(a), off(a), mem(b), off(b), beta, mem(c), off(c));
    }

    // ---------------------------------------------------------------- convolution helpers

    @Override
    public void im2col(Tensor image, ConvGeometry g, Tensor cols) {
        requireSize("im2col image", image, (long) g.c() * g.h() * g.w());
        requireSize("im2col cols", cols, (long) g.patch() * g.positions());
        conv("im2col", image, g, cols).run(g.oh(), g.patch());
    }

    @Override
    public void col2imAdd(Tensor cols, ConvGeometry g, Tensor image) {
        requireSize("col2im image", image, (long) g.c() * g.h() * g.w());
        requireSize("col2im cols", cols, (long) g.patch() * g.positions());
        conv("col2im_add", cols, g, image).run(g.h(), g.c());
    }

    private KernelCall conv(String kernel, Tensor in, ConvGeometry g, Tensor out) {
        return new KernelCall(cl, "conv.cl", kernel).mem(mem(in)).i(off(in))
                .i(g.c()).i(g.h()).i(g.w()).i(g.kh()).i(g.kw()).i(g.stride()).i(g.pad()).i(g.oh()).i(g.ow())
                .mem(mem(out)).i(off(out));
    }

    // ---------------------------------------------------------------- convolution of a batch

    /**
     * On the GPU family, the batched route ({@link BatchedConvPlan}): a few launches per pass for
     * the whole batch. On the CPU family the textbook route, one im2col and one gemm per image,
     * which suits a CPU device's caches.
     */
    @Override
    public ConvPlan planConv(ConvGeometry g) {
        return gpuGemm != null ? new BatchedConvPlan(this, g) : ConvPlan.textbook(this, g);
    }

    /** The plan as this backend's batched route, or null for the textbook route. */
    private BatchedConvPlan batched(ConvPlan plan) {
        plan.requireFor(this);
        return plan instanceof BatchedConvPlan b ? b : null;
    }

    /** A group of {@code count} images starting at image {@code first}. */
    private interface Group { void run(int first, int count); }

    private static void inGroups(BatchedConvPlan plan, int n, Group group) {
        if (n <= 0) throw new IllegalArgumentException("convolution batch must be positive: " + n);
        int size = plan.group(n);
        for (int first = 0; first < n; first += size) group.run(first, Math.min(size, n - first));
    }

    private static void requireConv(ConvGeometry g, int n, Tensor x, Tensor w, Tensor y) {
        requireSize("conv input", x, (long) n * g.c() * g.h() * g.w());
        requireSize("conv kernel", w, (long) g.k() * g.patch());
        if (y != null) requireSize("conv output", y, (long) n * g.k() * g.positions());
    }

    /** cols (C*KH*KW, count*P) = the column matrix of images first..first+count-1 of x. */
    private void im2colBatch(Tensor x, int first, int count, ConvGeometry g, Tensor cols) {
        int columns = count * g.positions();
        new KernelCall(cl, "conv_batch.cl", "im2col_batch").mem(mem(x)).i(off(x) + (long) first * g.c() * g.h() * g.w())
                .i(g.c()).i(g.h()).i(g.w()).i(g.kh()).i(g.kw()).i(g.stride()).i(g.pad()).i(g.oh()).i(g.ow()).i(columns)
                .mem(mem(cols)).i(off(cols)).run(columns, g.c());
    }

    /** rows (K, count*P) = dY of images first..first+count-1, (count, K, P) transposed per filter. */
    private void rowsOf(Tensor dy, int first, int count, ConvGeometry g, Tensor rows) {
        int p = g.positions();
        new KernelCall(cl, "conv_batch.cl", "rows_of").mem(mem(dy)).i(off(dy) + (long) first * g.k() * p)
                .i(g.k()).i(p).i(count).mem(mem(rows)).i(off(rows)).run(p, g.k(), count);
    }

    /** rows (K, count*P) = dY unpooled from the pooling's gradient and winners of images first..first+count-1. */
    private void unpoolRows(Tensor dpool, Tensor argmax, int first, int count, ConvGeometry g, Tensor rows) {
        long pooledPerImage = (long) g.k() * (g.oh() / 2) * (g.ow() / 2);
        new KernelCall(cl, "conv_batch.cl", "unpool_rows").mem(mem(dpool)).i(off(dpool) + first * pooledPerImage)
                .mem(mem(argmax)).i(off(argmax) + first * pooledPerImage).i(g.k()).i(g.oh()).i(g.ow()).i(count)
                .mem(mem(rows)).i(off(rows)).run(count * g.positions(), g.k());
    }

    /** dx of images first..first+count-1, overwritten, = col2im of the group's column gradient. */
    private void col2imBatch(Tensor dcols, int first, int count, ConvGeometry g, Tensor dx) {
        new KernelCall(cl, "conv_batch.cl", "col2im_batch").mem(mem(dcols)).i(off(dcols))
                .i(g.c()).i(g.h()).i(g.w()).i(g.kh()).i(g.kw()).i(g.stride()).i(g.pad()).i(g.oh()).i(g.ow()).i(count)
                .mem(mem(dx)).i(off(dx) + (long) first * g.c() * g.h() * g.w())
                .run(g.w(), g.h(), (long) count * g.c());
    }

    @Override
    public void conv2d(ConvPlan plan, Tensor x, Tensor w, Tensor bias, int n, Tensor y) {
        BatchedConvPlan b = batched(plan);
        if (b == null) { Backend.super.conv2d(plan, x, w, bias, n, y); return; }
        ConvGeometry g = b.geometry();
        requireConv(g, n, x, w, y);
        requireSize("conv bias", bias, g.k());
        int p = g.positions();
        inGroups(b, n, (first, count) -> {
            Tensor cols = b.columns(count), rows = b.rows(count);
            im2colBatch(x, first, count, g, cols);
            gemm(false, false, g.k(), count * p, g.patch(), 1, w, cols, 0, rows);        // (K, count*P)
            new KernelCall(cl, "conv_batch.cl", "conv_epilogue").mem(mem(rows)).i(off(rows)).mem(mem(bias)).i(off(bias))
                    .i(g.k()).i(p).i(count).mem(mem(y)).i(off(y) + (long) first * g.k() * p)
                    .run(p, g.k(), count);
        });
    }

    @Override
    public void conv2dMaxPool(ConvPlan plan, Tensor x, Tensor w, Tensor bias, int n, Tensor pooled, Tensor argmax) {
        BatchedConvPlan b = batched(plan);
        if (b == null) { Backend.super.conv2dMaxPool(plan, x, w, bias, n, pooled, argmax); return; }
        ConvGeometry g = b.geometry();
        requireConv(g, n, x, w, null);
        requireSize("conv bias", bias, g.k());
        int ph = g.oh() / 2, pw = g.ow() / 2;
        requireSize("maxPool y", pooled, (long) n * g.k() * ph * pw);
        requireSize("maxPool argmax", argmax, (long) n * g.k() * ph * pw);
        inGroups(b, n, (first, count) -> {
            Tensor cols = b.columns(count), rows = b.rows(count);
            im2colBatch(x, first, count, g, cols);
            gemm(false, false, g.k(), count * g.positions(), g.patch(), 1, w, cols, 0, rows);
            long at = (long) first * g.k() * ph * pw;
            new KernelCall(cl, "conv_batch.cl", "conv_epilogue_pool").mem(mem(rows)).i(off(rows)).mem(mem(bias)).i(off(bias))
                    .i(g.k()).i(g.oh()).i(g.ow()).i(count)
                    .mem(mem(pooled)).i(off(pooled) + at).mem(mem(argmax)).i(off(argmax) + at)
                    .run(pw, ph, (long) count * g.k());
        });
    }

    @Override
    public void conv2dWeightGrad(ConvPlan plan, Tensor x, Tensor dy, int n, Tensor dw, Tensor db) {
        BatchedConvPlan b = batched(plan);
        if (b == null) { Backend.super.conv2dWeightGrad(plan, x, dy, n, dw, db); return; }
        ConvGeometry g = b.geometry();
        requireConv(g, n, x, dw, dy);
        requireSize("conv bias gradient", db, g.k());
        inGroups(b, n, (first, count) -> {
            Tensor cols = b.columns(count), rows = b.rows(count);
            rowsOf(dy, first, count, g, rows);
            im2colBatch(x, first, count, g, cols);
            gemm(false, true, g.k(), g.patch(), count * g.positions(), 1, rows, cols, 1, dw);   // dW += dY · colsᵀ
        });
        biasGrad(dy, db, n, g.k(), g.positions());
    }

    @Override
    public void conv2dInputGrad(ConvPlan plan, Tensor dy, Tensor w, int n, Tensor dx) {
        BatchedConvPlan b = batched(plan);
        if (b == null) { Backend.super.conv2dInputGrad(plan, dy, w, n, dx); return; }
        ConvGeometry g = b.geometry();
        requireConv(g, n, dx, w, dy);
        inGroups(b, n, (first, count) -> {
            Tensor cols = b.columns(count), rows = b.rows(count);
            rowsOf(dy, first, count, g, rows);
            gemm(true, false, g.patch(), count * g.positions(), g.k(), 1, w, rows, 0, cols);    // dcols = Wᵀ · dY
            col2imBatch(cols, first, count, g, dx);
        });
    }

    /**
     * The batched route unpools the pooling's gradient straight into the filter rows the gemms
     * read; the bias gradient is the sum of the pooled gradient itself (each window's gradient goes
     * to exactly one element of dY).
     */
    @Override
    public void conv2dPooledBackward(ConvPlan plan, Tensor x, Tensor dpool, Tensor argmax, Tensor w, int n,
                                     Tensor dw, Tensor db, Tensor dx) {
        BatchedConvPlan b = batched(plan);
        if (b == null) { Backend.super.conv2dPooledBackward(plan, x, dpool, argmax, w, n, dw, db, dx); return; }
        ConvGeometry g = b.geometry();
        requireConv(g, n, x, dw, null);
        requireSize("conv bias gradient", db, g.k());
        int pooledPositions = (g.oh() / 2) * (g.ow() / 2);
        requireSize("pooled gradient", dpool, (long) n * g.k() * pooledPositions);
        requireSize("pooled winners", argmax, (long) n * g.k() * pooledPositions);
        if (dx != null) requireSize("conv input gradient", dx, (long) n * g.c() * g.h() * g.w());
        inGroups(b, n, (first, count) -> {
            Tensor cols = b.columns(count), rows = b.rows(count);
            unpoolRows(dpool, argmax, first, count, g, rows);
            im2colBatch(x, first, count, g, cols);
            gemm(false, true, g.k(), g.patch(), count * g.positions(), 1, rows, cols, 1, dw);
            if (dx != null) {
                gemm(true, false, g.patch(), count * g.positions(), g.k(), 1, w, rows, 0, cols);
                col2imBatch(cols, first, count, g, dx);
            }
        });
        biasGrad(dpool, db, n, g.k(), pooledPositions);
    }

    @Override
    public void addBias(Tensor y, Tensor bias, int outer, int channels, int inner) {
        requireSize("addBias y", y, (long) outer * channels * inner);
        requireSize("addBias bias", bias, channels);
        new KernelCall(cl, "elementwise.cl", "add_bias").mem(mem(y)).i(off(y)).mem(mem(bias)).i(off(bias))
                .i(outer).i(channels).i(inner).run(inner, channels, outer);
    }

    /**
     * dBias[c] += sum over o, i of dy[o][c][i]: a tree reduction per channel over {@code parts}
     * work-groups (enough groups in all to fill the device), then one work-item per channel adds
     * its parts.
     */
    @Override
    public void biasGrad(Tensor dy, Tensor dBias, int outer, int channels, int inner) {
        requireSize("biasGrad dy", dy, (long) outer * channels * inner);
        requireSize("biasGrad dBias", dBias, channels);
        int parts = biasGradParts(outer, channels, inner, cl.device().computeUnits());
        ClStorage partial = scratch((long) channels * parts);   // (channels, parts)
        new KernelCall(cl, "reduce.cl", "bias_grad_groups").mem(mem(dy)).i(off(dy)).i(outer).i(channels).i(inner)
                .mem(partial).run(new long[] {(long) parts * REDUCE_GROUP, channels}, new long[] {REDUCE_GROUP, 1});
        new KernelCall(cl, "reduce.cl", "bias_grad_finish").mem(partial).i(parts).i(channels)
                .mem(mem(dBias)).i(off(dBias)).run(channels);
    }

    /**
     * Work-groups per channel of a bias gradient: enough that all channels together give every
     * compute unit eight groups, no more than one per {@link #REDUCE_GROUP} elements of a channel,
     * at most 64.
     */
    static int biasGradParts(int outer, int channels, int inner, int computeUnits) {
        long perChannel = (long) outer * inner;
        long wanted = (8L * computeUnits + channels - 1) / channels;
        long most = Math.max(1, (perChannel + REDUCE_GROUP - 1) / REDUCE_GROUP);
        return (int) Math.max(1, Math.min(64, Math.min(wanted, most)));
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void relu(Tensor x, Tensor y) {
        sameSize("relu", x, y);
        new KernelCall(cl, "elementwise.cl", "relu").mem(mem(x)).i(off(x)).mem(mem(y)).i(off(y)).i(x.size()).run(x.size());
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        sameSize("reluBackward", y, dy);
        sameSize("reluBackward", y, dx);
        new KernelCall(cl, "elementwise.cl", "relu_backward").mem(mem(y)).i(off(y)).mem(mem(dy)).i(off(dy))
                .mem(mem(dx)).i(off(dx)).i(y.size()).run(y.size());
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        sameSize("sigmoid", x, y);
        new KernelCall(cl, "elementwise.cl", "sigmoid").mem(mem(x)).i(off(x)).mem(mem(y)).i(off(y)).i(x.size()).run(x.size());
    }

    // ---------------------------------------------------------------- pooling

    @Override
    public void maxPool2x2(Tensor x, int planes, int h, int w, Tensor y, Tensor argmax) {
        int oh = h / 2, ow = w / 2;
        requireSize("maxPool x", x, (long) planes * h * w);
        requireSize("maxPool y", y, (long) planes * oh * ow);
        requireSize("maxPool argmax", argmax, (long) planes * oh * ow);
        new KernelCall(cl, "pool.cl", "maxpool2x2").mem(mem(x)).i(off(x)).i(h).i(w)
                .mem(mem(y)).i(off(y)).mem(mem(argmax)).i(off(argmax)).i(oh).i(ow).i(planes)
                .run(ow, oh, planes);
    }

    @Override
    public void maxPool2x2Backward(Tensor dy, Tensor argmax, int planes, int h, int w, Tensor dx) {
        int oh = h / 2, ow = w / 2;
        requireSize("maxPoolBackward dy", dy, (long) planes * oh * ow);
        requireSize("maxPoolBackward argmax", argmax, (long) planes * oh * ow);
        requireSize("maxPoolBackward dx", dx, (long) planes * h * w);
        // the kernel writes every element of each window; only a trailing odd row or column needs zeros first
        if (h % 2 != 0 || w % 2 != 0) fill(dx.view(0, planes * h * w), 0);
        new KernelCall(cl, "pool.cl", "maxpool2x2_backward").mem(mem(dy)).i(off(dy)).mem(mem(argmax)).i(off(argmax))
                .i(h).i(w).mem(mem(dx)).i(off(dx)).i(oh).i(ow).i(planes)
                .run(ow, oh, planes);
    }

    // ---------------------------------------------------------------- dropout and elementwise

    /** See {@code dropout.cl}: threshold = ceil(rate * 2^24) makes the integer test equal Java's double test. */
    @Override
    public void dropoutMask(Tensor mask, long seed, long step, long first, double rate) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("dropout rate must be in [0, 1): " + rate);
        if (first < 0) throw new IllegalArgumentException("first mask index must be at least 0: " + first);
        long threshold = (long) Math.ceil(rate * 0x1.0p24);
        new KernelCall(cl, "dropout.cl", "dropout_mask").mem(mem(mask)).i(off(mask)).i(mask.size())
                .l(seed).l(step).l(first).l(threshold).f(1.0 / (1.0 - rate)).run(mask.size());
    }

    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        sameSize("multiply", a, b);
        sameSize("multiply", a, out);
        new KernelCall(cl, "elementwise.cl", "multiply").mem(mem(a)).i(off(a)).mem(mem(b)).i(off(b))
                .mem(mem(out)).i(off(out)).i(a.size()).run(a.size());
    }

    // ---------------------------------------------------------------- loss and optimizer

    @Override
    public double sigmoidCrossEntropy(Tensor logits, Tensor targets, Tensor grad) {
        sameSize("sigmoidCrossEntropy", logits, targets);
        sameSize("sigmoidCrossEntropy", logits, grad);
        int n = logits.intSize();
        ClStorage terms = scratch(n);                          // (n) per-element losses
        new KernelCall(cl, "loss.cl", "sigmoid_bce").mem(mem(logits)).i(off(logits)).mem(mem(targets)).i(off(targets))
                .mem(mem(grad)).i(off(grad)).mem(terms).i(n).run(n);
        return reduce(terms, 0, n, false) / n;
    }

    /**
     * The loss's kernels, its reduction into a slot of its own (one of {@link #LOSS_SLOTS}, taken
     * in turn) and a flush, with nothing read yet: the supplier reads the slot when first asked
     * (a blocking read, so it waits for what was enqueued before it, usually the step's backward
     * pass and update). A supplier first asked after {@link #LOSS_SLOTS} later losses would find
     * its slot reused, and says so.
     */
    @Override
    public java.util.function.DoubleSupplier sigmoidCrossEntropyLater(Tensor logits, Tensor targets, Tensor grad) {
        sameSize("sigmoidCrossEntropy", logits, targets);
        sameSize("sigmoidCrossEntropy", logits, grad);
        int n = logits.intSize();
        ClStorage terms = scratch(n);
        new KernelCall(cl, "loss.cl", "sigmoid_bce").mem(mem(logits)).i(off(logits)).mem(mem(targets)).i(off(targets))
                .mem(mem(grad)).i(off(grad)).mem(terms).i(n).run(n);
        return lossLater(terms, n, n);
    }

    /**
     * Softmax cross-entropy with one work-item per row ({@code softmax_ce}): each writes its row's
     * gradient and loss, and the row losses are summed in double like every other reduction.
     */
    @Override
    public double softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor grad, int classes) {
        int rows = softmaxRows(logits, targets, grad, classes);
        return reduce(scratch, 0, rows, false) / logits.intSize();
    }

    /** {@link #softmaxCrossEntropy} with the loss read later, in a slot as {@link #sigmoidCrossEntropyLater} keeps it. */
    @Override
    public java.util.function.DoubleSupplier softmaxCrossEntropyLater(Tensor logits, Tensor targets, Tensor grad, int classes) {
        int rows = softmaxRows(logits, targets, grad, classes);
        return lossLater(scratch, rows, logits.intSize());
    }

    /** Enqueues {@code softmax_ce}: the gradient into grad, each row's loss into the scratch buffer; returns the rows. */
    private int softmaxRows(Tensor logits, Tensor targets, Tensor grad, int classes) {
        sameSize("softmaxCrossEntropy", logits, targets);
        sameSize("softmaxCrossEntropy", logits, grad);
        if (classes < 1 || logits.size() % classes != 0) {
            throw new IllegalArgumentException("softmaxCrossEntropy: " + logits + " of " + logits.size()
                    + " elements is not rows of " + classes + " classes");
        }
        int rows = (int) (logits.size() / classes);
        ClStorage terms = scratch(rows);
        new KernelCall(cl, "loss.cl", "softmax_ce").mem(mem(logits)).i(off(logits)).mem(mem(targets)).i(off(targets))
                .mem(mem(grad)).i(off(grad)).mem(terms).i(rows).i(classes).run(rows);
        return rows;
    }

    @Override
    public double meanSquaredError(Tensor outputs, Tensor targets, Tensor grad) {
        int n = squaredErrors(outputs, targets, grad);
        return reduce(scratch, 0, n, false) / n;
    }

    /** {@link #meanSquaredError} with the loss read later, in a slot as {@link #sigmoidCrossEntropyLater} keeps it. */
    @Override
    public java.util.function.DoubleSupplier meanSquaredErrorLater(Tensor outputs, Tensor targets, Tensor grad) {
        int n = squaredErrors(outputs, targets, grad);
        return lossLater(scratch, n, n);
    }

    /** Enqueues {@code squared_error}: the gradient into grad, each element's (y - t)^2 into the scratch buffer. */
    private int squaredErrors(Tensor outputs, Tensor targets, Tensor grad) {
        sameSize("meanSquaredError", outputs, targets);
        sameSize("meanSquaredError", outputs, grad);
        int n = outputs.intSize();
        ClStorage terms = scratch(n);
        new KernelCall(cl, "loss.cl", "squared_error").mem(mem(outputs)).i(off(outputs)).mem(mem(targets)).i(off(targets))
                .mem(mem(grad)).i(off(grad)).mem(terms).i(n).run(n);
        return n;
    }

    /**
     * The sum of {@code count} loss terms (already enqueued into {@code terms}) reduced into a
     * slot of its own, divided by {@code n} when read; see {@link #sigmoidCrossEntropyLater}.
     */
    private java.util.function.DoubleSupplier lossLater(ClStorage terms, int count, int n) {
        long ticket = losses++;
        int index = MAX_REDUCE_GROUPS + 1 + (int) (ticket % LOSS_SLOTS);
        boolean fp64 = reduceOnDevice(terms, 0, count, false, index);
        cl.flush();
        return new java.util.function.DoubleSupplier() {
            private double value;
            private boolean read;

            @Override
            public double getAsDouble() {
                if (!read) {
                    if (losses - ticket > LOSS_SLOTS) {
                        throw new IllegalStateException("this loss was asked for after " + (losses - ticket - 1)
                                + " later losses; its slot (one of " + LOSS_SLOTS + ") has been reused: read each loss before "
                                + LOSS_SLOTS + " more are computed");
                    }
                    value = (n == 0 ? 0 : cl.readOne(reduction, index, fp64)) / n;
                    read = true;
                }
                return value;
            }
        };
    }

    /** A tree reduction on the device (in double where the device has fp64); the host reads one number. */
    @Override
    public double sumOfSquares(Tensor x) {
        return reduce(mem(x), off(x), x.intSize(), true);
    }

    /**
     * The sum of x[xOff..xOff+n) (of its squares when {@code square}): {@code sum_groups} over
     * {@link #reduceGroups} work-groups, {@code sum_finish} over their partial sums, then one
     * value read back.
     */
    private double reduce(ClStorage x, int xOff, int n, boolean square) {
        if (n == 0) return 0;
        boolean fp64 = reduceOnDevice(x, xOff, n, square, MAX_REDUCE_GROUPS);
        return cl.readOne(reduction, MAX_REDUCE_GROUPS, fp64);
    }

    /**
     * Enqueues the sum of x[xOff..xOff+n) (of its squares when {@code square}) into element
     * {@code index} of {@link #reduction}: {@code sum_groups} over {@link #reduceGroups} work-groups
     * into the partial sums at its start, {@code sum_finish} over those. Returns whether the sums
     * are doubles (the device has fp64). Nothing is read back.
     */
    private boolean reduceOnDevice(ClStorage x, int xOff, int n, boolean square, int index) {
        boolean fp64 = cl.device().fp64();
        if (reduction == null) reduction = cl.allocate(2L * (MAX_REDUCE_GROUPS + 1 + LOSS_SLOTS));
        if (n == 0) {
            cl.fill(reduction.memory(), fp64 ? 2L * index : index, fp64 ? 2 : 1, 0f);
            return fp64;
        }
        int groups = reduceGroups(n, cl.device().computeUnits());
        String suffix = fp64 ? "_f64" : "";
        new KernelCall(cl, "reduce.cl", "sum_groups" + suffix).mem(x).i(xOff).i(n).i(square ? 1 : 0).mem(reduction)
                .run(new long[] {(long) groups * REDUCE_GROUP}, new long[] {REDUCE_GROUP});
        new KernelCall(cl, "reduce.cl", "sum_finish" + suffix).mem(reduction).i(groups).mem(reduction).i(index)
                .run(new long[] {REDUCE_GROUP}, new long[] {REDUCE_GROUP});
        return fp64;
    }

    /**
     * Work-groups of a reduction's first pass: sixteen per compute unit, no more than one per
     * {@link #REDUCE_GROUP} elements, at most {@link #MAX_REDUCE_GROUPS}.
     */
    static int reduceGroups(long n, int computeUnits) {
        long most = Math.max(1, (n + REDUCE_GROUP - 1) / REDUCE_GROUP);
        return (int) Math.max(1, Math.min(MAX_REDUCE_GROUPS, Math.min(most, 16L * Math.max(1, computeUnits))));
    }

    @Override
    public void adamStep(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig cfg, long t, double gradScale) {
        sameSize("adamStep", params, grads);
        sameSize("adamStep", params, m);
        sameSize("adamStep", params, v);
        if (t < 1) throw new IllegalArgumentException("Adam step count starts at 1: " + t);
        double stepSize = cfg.learningRate() * Math.sqrt(1 - Math.pow(cfg.beta2(), t)) / (1 - Math.pow(cfg.beta1(), t));
        new KernelCall(cl, "adam.cl", "adam_step").mem(mem(params)).i(off(params)).mem(mem(grads)).i(off(grads))
                .mem(mem(m)).i(off(m)).mem(mem(v)).i(off(v)).i(params.size())
                .f(cfg.beta1()).f(cfg.beta2()).f(stepSize).f(cfg.epsilon()).f(gradScale).run(params.size());
    }

    @Override
    public void sgdStep(Tensor params, Tensor grads, Tensor velocity, SgdConfig cfg, double gradScale) {
        sameSize("sgdStep", params, grads);
        sameSize("sgdStep", params, velocity);
        new KernelCall(cl, "sgd.cl", "sgd_step").mem(mem(params)).i(off(params)).mem(mem(grads)).i(off(grads))
                .mem(mem(velocity)).i(off(velocity)).i(params.size())
                .f(cfg.learningRate()).f(cfg.momentum()).i(cfg.nesterov() ? 1 : 0).f(gradScale).run(params.size());
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void synchronize() { cl.finish(); }

    @Override
    public void close() {
        try {
            if (scratch != null) scratch.close();
            scratch = null;
            if (reduction != null) reduction.close();
            reduction = null;
        } finally {
            cl.close();
        }
    }
}
