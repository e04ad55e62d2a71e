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
 * One device opened for use: a context, an in-order command queue, and every kernel program
 * (the {@code kernels/*.cl} resources) built once. {@link #close()} releases them all; buffers
 * are owned by their {@link ClStorage} and released by it.
 */
final class OpenClContext implements AutoCloseable {
    /** The kernel sources, one per op family, under {@code org/marquee/opencl/kernels/}. */
    static final List<String> PROGRAMS = List.of(
            "gemm.cl", "conv.cl", "elementwise.cl", "pool.cl", "dropout.cl", "loss.cl", "adam.cl", "reduce.cl");

    private final OpenClDevices.Device device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Map<String, cl_program> programs = new LinkedHashMap<>();
    private final Map<KernelName, cl_kernel> kernels = new HashMap<>();
    private boolean closed;
    private long uploads, uploadedBytes, reads, readBytes;   // host transfers so far

    /** Opens {@code device} and builds the {@link #PROGRAMS} from the class path. */
    OpenClContext(OpenClDevices.Device device) {
        this(device, kernelSources());
    }

    private static Map<String, String> kernelSources() {
        Map<String, String> sources = new LinkedHashMap<>();
        for (String file : PROGRAMS) sources.put(file, readResource(file));
        return sources;
    }

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
            sources.forEach((file, source) -> programs.put(file, build(file, source)));
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

    HostTransfers transfers() { return new HostTransfers(uploads, uploadedBytes, reads, readBytes); }

    private cl_program build(String file, String source) {
        int[] err = new int[1];
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, err);
        OpenClException.check(err[0], "clCreateProgramWithSource(" + file + ")");
        int code = CL.clBuildProgram(program, 1, new cl_device_id[] {device.id()}, "-cl-mad-enable", null, null);
        if (code != CL.CL_SUCCESS) {
            String log = buildLog(program);
            CL.clReleaseProgram(program);
            throw new OpenClException("building kernels/" + file + " for " + device.name() + " failed: "
                    + CL.stringFor_errorCode(code) + "\n" + log);
        }
        return program;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(program, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) Math.max(1, size[0])];
        CL.clGetProgramBuildInfo(program, device.id(), CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).replace("\0", "").trim();
    }

    static String readResource(String file) {
        String path = "kernels/" + file;
        try (InputStream in = OpenClContext.class.getResourceAsStream(path)) {
            if (in == null) throw new OpenClException("kernel source " + path + " is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OpenClException("cannot read kernel source " + path, e);
        }
    }

    /** A kernel's cache key: kernel names are unique only within their program. */
    private record KernelName(String file, String name) {}

    /** The kernel {@code name} of program {@code file}, created on first use and kept. Not thread-safe. */
    cl_kernel kernel(String file, String name) {
        requireOpen();
        return kernels.computeIfAbsent(new KernelName(file, name), key -> {
            cl_program program = programs.get(file);
            if (program == null) throw new IllegalArgumentException("no kernel program " + file);
            int[] err = new int[1];
            cl_kernel k = CL.clCreateKernel(program, name, err);
            OpenClException.check(err[0], "clCreateKernel(" + file + ": " + name + ")");
            return k;
        });
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

    /** Waits for the queue, reads the first {@code count} floats (or doubles) of {@code s} and sums them in double. */
    double sumOnHost(ClStorage s, int count, boolean doubles) {
        double total = 0;
        if (doubles) {
            double[] v = new double[count];
            OpenClException.check(CL.clEnqueueReadBuffer(queue, s.memory(), CL.CL_TRUE, 0, (long) count * Sizeof.cl_double,
                    Pointer.to(v), 0, null, null), "clEnqueueReadBuffer");
            countRead((long) count * Sizeof.cl_double);
            for (double x : v) total += x;
        } else {
            float[] v = new float[count];
            OpenClException.check(CL.clEnqueueReadBuffer(queue, s.memory(), CL.CL_TRUE, 0, (long) count * Sizeof.cl_float,
                    Pointer.to(v), 0, null, null), "clEnqueueReadBuffer");
            countRead((long) count * Sizeof.cl_float);
            for (float x : v) total += x;
        }
        return total;
    }

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
