package org.marquee.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * One device opened for use: a context, an in-order command queue, and the kernel programs (the
 * {@code kernels/*.cl} resources) it uses, each built once. A program is identified by its file and
 * the build options it was compiled with ({@link ProgramKey}): the programs a backend names are
 * built at once without extra options, any other of the {@link #PROGRAMS} and the variants of a
 * file with {@code -D} options (the GPU GEMM's blockings) on first use. Kernels are kept per (program, kernel name). {@link #close()}
 * releases them all; buffers are owned by their {@link ClStorage} and released by it.
 */
final class OpenClContext implements AutoCloseable {
    /** The kernel sources, one per op family, under {@code org/marquee/opencl/kernels/}. */
    static final List<String> PROGRAMS = List.of(
            "gemm.cl", "conv.cl", "conv_batch.cl", "elementwise.cl", "pool.cl", "dropout.cl", "loss.cl", "adam.cl", "sgd.cl", "reduce.cl");
    /** The programs every backend uses, whatever its GEMM family. */
    static final List<String> COMMON = List.of("elementwise.cl", "pool.cl", "dropout.cl", "loss.cl", "adam.cl", "sgd.cl", "reduce.cl");

    private final OpenClDevices.Device device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Map<ProgramKey, cl_program> programs = new LinkedHashMap<>();
    private final Map<KernelKey, cl_kernel> kernels = new HashMap<>();
    private boolean closed;
    private long uploads, uploadedBytes, reads, readBytes;   // host transfers so far
    private long launches;                                   // kernels enqueued so far
    private long flushes;                                    // clFlush calls so far
    private final long maxWorkGroupSize;                     // CL_DEVICE_MAX_WORK_GROUP_SIZE
    private final long[] maxItems;                           // CL_DEVICE_MAX_WORK_ITEM_SIZES (x, y, z)
    private final Map<cl_kernel, Long> kernelMaxGroup = new HashMap<>();
    private java.util.function.Consumer<Launch> launchListener;   // null: launches are only counted

    /** Opens {@code device} and builds all the {@link #PROGRAMS} from the class path. */
    OpenClContext(OpenClDevices.Device device) {
        this(device, PROGRAMS);
    }

    /**
     * Opens {@code device} and builds {@code files} (some of the {@link #PROGRAMS}) from the class
     * path now; any other of the {@link #PROGRAMS} is built when a kernel of it is first asked for.
     */
    OpenClContext(OpenClDevices.Device device, List<String> files) {
        this(device, kernelSources(files));
    }

    private static Map<String, String> kernelSources(List<String> files) {
        Map<String, String> sources = new LinkedHashMap<>();
        for (String file : files) {
            if (!PROGRAMS.contains(file)) throw new IllegalArgumentException("no kernel program " + file + " (known: " + PROGRAMS + ")");
            sources.put(file, readResource(file));
        }
        return sources;
    }

    /** The programs built so far (file and options), in the order they were built. */
    List<ProgramKey> builtPrograms() { return List.copyOf(programs.keySet()); }

    /** Opens {@code device} and builds the given sources (file name to OpenCL C). */
    @SuppressWarnings("deprecation") // clCreateCommandQueue: OpenCL 1.2 devices lack the 2.0 variant
    OpenClContext(OpenClDevices.Device device, Map<String, String> sources) {
        this.device = device;
        int[] err = new int[1];
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, device.platformId());
        context = CL.clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, err);
        OpenClException.check(err[0], "clCreateContext on " + device.name());
        cl_command_queue q = CL.clCreateCommandQueue(context, device.id(), 0, err);
        if (err[0] != CL.CL_SUCCESS) {
            CL.clReleaseContext(context);
            OpenClException.check(err[0], "clCreateCommandQueue on " + device.name());
        }
        queue = q;
        try {
            maxWorkGroupSize = deviceSize(CL.CL_DEVICE_MAX_WORK_GROUP_SIZE);
            maxItems = deviceItemSizes();
            sources.forEach((file, source) -> programs.put(ProgramKey.of(file), build(ProgramKey.of(file), source)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    OpenClDevices.Device device() { return device; }
    cl_command_queue queue() { return queue; }

    /** Records one host-to-device copy of {@code bytes}. */
    void countUpload(long bytes) {
        uploads++;
        uploadedBytes += bytes;
    }

    /** Records one device-to-host copy of {@code bytes}. */
    void countRead(long bytes) {
        reads++;
        readBytes += bytes;
    }

    /**
     * One kernel launch as enqueued: its name, global size and work-group (local) size, the
     * global size a whole multiple of the local size in every dimension.
     */
    record Launch(String kernel, long[] global, long[] local) {
        /** Work-items per work-group. */
        long groupSize() {
            long n = 1;
            for (long l : local) n *= l;
            return n;
        }

        @Override
        public String toString() {
            return kernel + " global " + java.util.Arrays.toString(global) + " local " + java.util.Arrays.toString(local);
        }
    }

    /** Sees every launch from now on (null: none); for tests of the launch sizes. */
    void onLaunch(java.util.function.Consumer<Launch> listener) { this.launchListener = listener; }

    /**
     * Enqueues {@code kernel} over {@code global} in work-groups of {@code local}: the only place
     * a kernel is enqueued. The local size is required (with none, OpenCL 1.2 lets a driver pick
     * groups of one work-item when no other size divides the global size), must fit the device
     * and the kernel, and must divide the global size in every dimension (callers round the
     * global size up; every kernel checks its bounds). No event is asked for.
     *
     * @throws IllegalArgumentException when the local size is missing or does not fit
     */
    void enqueue(cl_kernel kernel, String name, long[] global, long[] local) {
        requireOpen();
        if (local == null) throw new IllegalArgumentException(name + ": a launch needs an explicit work-group (local) size");
        if (global.length < 1 || global.length > 3 || local.length != global.length) {
            throw new IllegalArgumentException(name + ": global " + java.util.Arrays.toString(global) + " and local "
                    + java.util.Arrays.toString(local) + " must have the same 1 to 3 dimensions");
        }
        long items = 1;
        for (int d = 0; d < global.length; d++) {
            if (local[d] < 1 || local[d] > maxItems[d] || global[d] % local[d] != 0) {
                throw new IllegalArgumentException(name + ": local size " + java.util.Arrays.toString(local) + " does not divide global size "
                        + java.util.Arrays.toString(global) + " or exceeds the device's item limits " + java.util.Arrays.toString(maxItems));
            }
            items *= local[d];
        }
        if (items > kernelMaxGroup(kernel)) {
            throw new IllegalArgumentException(name + ": work-group of " + items + " work-items > this kernel's maximum " + kernelMaxGroup(kernel));
        }
        OpenClException.check(CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null),
                "clEnqueueNDRangeKernel(" + name + ")");
        launches++;
        if (launchListener != null) launchListener.accept(new Launch(name, global.clone(), local.clone()));
    }

    /** The largest work-group {@code kernel} can run with here: its CL_KERNEL_WORK_GROUP_SIZE within the device's. */
    long kernelMaxGroup(cl_kernel kernel) {
        return kernelMaxGroup.computeIfAbsent(kernel, k -> Math.min(maxWorkGroupSize, kernelMaxWorkGroupSize(k)));
    }

    /** CL_DEVICE_MAX_WORK_ITEM_SIZES: the largest local size per dimension (x, y, z). */
    long[] maxItems() { return maxItems.clone(); }

    private long deviceSize(int param) {
        long[] v = new long[1];
        OpenClException.check(CL.clGetDeviceInfo(device.id(), param, Sizeof.size_t, Pointer.to(v), null), "clGetDeviceInfo");
        return v[0];
    }

    private long[] deviceItemSizes() {
        long[] size = new long[1];
        OpenClException.check(CL.clGetDeviceInfo(device.id(), CL.CL_DEVICE_MAX_WORK_ITEM_SIZES, 0, null, size),
                "clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)");
        long[] items = new long[(int) Math.max(3, size[0] / Sizeof.size_t)];
        java.util.Arrays.fill(items, 1);
        OpenClException.check(CL.clGetDeviceInfo(device.id(), CL.CL_DEVICE_MAX_WORK_ITEM_SIZES, size[0], Pointer.to(items), null),
                "clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)");
        return java.util.Arrays.copyOf(items, 3);
    }

    /** Kernels enqueued so far. */
    long launches() { return launches; }

    HostTransfers transfers() { return new HostTransfers(uploads, uploadedBytes, reads, readBytes); }

    /**
     * A program: a kernel source file and the options it is built with on top of
     * {@code -cl-mad-enable} (empty for the {@link #PROGRAMS} as they are; {@code -D} defines
     * for a variant).
     */
    record ProgramKey(String file, String options) {
        ProgramKey {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(options, "options");
        }

        static ProgramKey of(String file) { return new ProgramKey(file, ""); }

        @Override
        public String toString() { return options.isEmpty() ? file : file + " [" + options + "]"; }
    }

    /** A kernel of a program. */
    private record KernelKey(ProgramKey program, String name) {}

    private cl_program build(ProgramKey key, String source) {
        int[] err = new int[1];
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, err);
        OpenClException.check(err[0], "clCreateProgramWithSource(" + key + ")");
        String options = key.options().isEmpty() ? "-cl-mad-enable" : "-cl-mad-enable " + key.options();
        int code = CL.clBuildProgram(program, 1, new cl_device_id[] {device.id()}, options, null, null);
        if (code != CL.CL_SUCCESS) {
            String log = buildLog(program);
            CL.clReleaseProgram(program);
            throw new OpenClException("building kernels/" + key + " for " + device.name() + " failed: "
                    + CL.stringFor_errorCode(code) + "\n" + log);
        }
        return program;
    }

    /**
     * The program {@code key}: one built at construction, or one of the {@link #PROGRAMS} (or a
     * variant of one) built from the class path now and kept. Throws with the build log when it
     * does not compile.
     */
    private cl_program program(ProgramKey key) {
        cl_program program = programs.get(key);
        if (program != null) return program;
        if (key.options().isEmpty() && !PROGRAMS.contains(key.file())) throw new IllegalArgumentException("no kernel program " + key.file());
        program = build(key, readResource(key.file()));
        programs.put(key, program);
        return program;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(program, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) Math.max(1, size[0])];
        CL.clGetProgramBuildInfo(program, device.id(), CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).replace("\0", "").trim();
    }

    /**
     * The source of {@code kernels/FILE}, with each line {@code #include "OTHER.cl"} replaced by
     * that file's source (so kernels shared by programs are written once; the programs are built
     * from strings, where the OpenCL compiler has no folder to include from).
     */
    static String readResource(String file) {
        String path = "kernels/" + file;
        String source;
        try (InputStream in = OpenClContext.class.getResourceAsStream(path)) {
            if (in == null) throw new OpenClException("kernel source " + path + " is missing from the class path");
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OpenClException("cannot read kernel source " + path, e);
        }
        java.util.regex.Matcher include = INCLUDE.matcher(source);
        StringBuilder out = new StringBuilder();
        while (include.find()) {
            if (include.group(1).equals(file)) throw new OpenClException("kernel source " + path + " includes itself");
            include.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(readResource(include.group(1))));
        }
        return include.appendTail(out).toString();
    }

    /** A line {@code #include "name.cl"} of a kernel source. */
    private static final java.util.regex.Pattern INCLUDE =
            java.util.regex.Pattern.compile("(?m)^#include \"([A-Za-z0-9_]+\\.cl)\"[ \t]*$");

    /** The kernel {@code name} of program {@code file} (built without extra options). */
    cl_kernel kernel(String file, String name) { return kernel(ProgramKey.of(file), name); }

    /**
     * The kernel {@code name} of {@code program}, created on first use and kept (building the
     * program first if it is a variant not built yet). Not thread-safe.
     */
    cl_kernel kernel(ProgramKey program, String name) {
        requireOpen();
        KernelKey key = new KernelKey(program, name);
        cl_kernel k = kernels.get(key);
        if (k != null) return k;
        int[] err = new int[1];
        k = CL.clCreateKernel(program(program), name, err);
        OpenClException.check(err[0], "clCreateKernel(" + program + ": " + name + ")");
        kernels.put(key, k);
        return k;
    }

    /** CL_KERNEL_WORK_GROUP_SIZE: the largest work-group this kernel can run with on this device. */
    long kernelMaxWorkGroupSize(cl_kernel kernel) {
        return kernelWorkGroupInfo(kernel, CL.CL_KERNEL_WORK_GROUP_SIZE);
    }

    /** CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE: the device's SIMD width for this kernel (warp, wavefront). */
    long kernelPreferredMultiple(cl_kernel kernel) {
        return kernelWorkGroupInfo(kernel, CL.CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE);
    }

    private long kernelWorkGroupInfo(cl_kernel kernel, int param) {
        long[] value = new long[1];
        OpenClException.check(CL.clGetKernelWorkGroupInfo(kernel, device.id(), param, Sizeof.size_t, Pointer.to(value), null),
                "clGetKernelWorkGroupInfo");
        return value[0];
    }

    /** A new zero-filled device buffer of {@code floats} elements. */
    ClStorage allocate(long floats) {
        requireOpen();
        int[] err = new int[1];
        cl_mem mem = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, floats * Sizeof.cl_float, null, err);
        OpenClException.check(err[0], "clCreateBuffer(" + floats + " floats)");
        ClStorage storage = new ClStorage(mem, floats);
        fill(mem, 0, floats, 0f);
        return storage;
    }

    void fill(cl_mem mem, long offset, long count, float value) {
        OpenClException.check(CL.clEnqueueFillBuffer(queue, mem, Pointer.to(new float[] {value}), Sizeof.cl_float,
                offset * Sizeof.cl_float, count * Sizeof.cl_float, 0, null, null), "clEnqueueFillBuffer");
    }

    /**
     * Reads element {@code index} of {@code s}, a float or (when {@code isDouble}) a double, with a
     * blocking read: it waits for everything enqueued before it.
     */
    double readOne(ClStorage s, int index, boolean isDouble) {
        requireOpen();
        int bytes = isDouble ? Sizeof.cl_double : Sizeof.cl_float;
        if (isDouble) {
            double[] v = new double[1];
            OpenClException.check(CL.clEnqueueReadBuffer(queue, s.memory(), CL.CL_TRUE, (long) index * bytes, bytes,
                    Pointer.to(v), 0, null, null), "clEnqueueReadBuffer");
            countRead(bytes);
            return v[0];
        }
        float[] v = new float[1];
        OpenClException.check(CL.clEnqueueReadBuffer(queue, s.memory(), CL.CL_TRUE, (long) index * bytes, bytes,
                Pointer.to(v), 0, null, null), "clEnqueueReadBuffer");
        countRead(bytes);
        return v[0];
    }

    /** Sends what is queued to the device without waiting (clFlush). */
    void flush() {
        requireOpen();
        OpenClException.check(CL.clFlush(queue), "clFlush");
        flushes++;
    }

    /** clFlush calls so far. */
    long flushes() { return flushes; }

    void finish() {
        requireOpen();
        OpenClException.check(CL.clFinish(queue), "clFinish");
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("OpenCL context for " + device.name() + " is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<Integer> codes = new ArrayList<>();
        if (queue != null) codes.add(CL.clFinish(queue));
        kernels.values().forEach(k -> codes.add(CL.clReleaseKernel(k)));
        programs.values().forEach(p -> codes.add(CL.clReleaseProgram(p)));
        if (queue != null) codes.add(CL.clReleaseCommandQueue(queue));
        codes.add(CL.clReleaseContext(context));
        kernels.clear();
        programs.clear();
        for (int code : codes) OpenClException.check(code, "releasing the OpenCL context");
    }
}
