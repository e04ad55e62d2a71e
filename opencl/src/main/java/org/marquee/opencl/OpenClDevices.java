package org.marquee.opencl;

import static org.jocl.CL.CL_DEVICE_EXTENSIONS;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_NOT_FOUND;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_SUCCESS;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.marquee.engine.DeviceKind;

/**
 * Every OpenCL device of every platform, numbered 0, 1, ... in platform order, and the rule that
 * picks one from a user's selector (an index, or a case-insensitive part of the device name).
 */
public final class OpenClDevices {
    /** CL_PLATFORM_NOT_FOUND_KHR: the ICD loader found no platform. */
    private static final int PLATFORM_NOT_FOUND_KHR = -1001;

    private OpenClDevices() {}

    /**
     * One device: its global index, what it is (kind: CPU, GPU or accelerator; fp64: double
     * precision in kernels), and the handles needed to open it.
     */
    public record Device(int index, String platform, String name, String vendor, String version, DeviceKind kind,
                         int computeUnits, long globalMemoryBytes, boolean fp64,
                         cl_platform_id platformId, cl_device_id id) {
        public Device {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(platformId, "platformId");
            Objects.requireNonNull(id, "id");
        }

        /** One line for a {@code devices} listing. */
        public String describe() {
            return String.format(Locale.ROOT, "%d: %s (%s, %s, platform %s), %d compute units, %d MiB",
                    index, name, kind, vendor, platform, computeUnits, globalMemoryBytes >> 20);
        }
    }

    /**
     * What a kernel's blocking must fit on a device, and the driver version that goes with its
     * name in a tuning cache key: CL_DEVICE_LOCAL_MEM_SIZE, CL_DEVICE_MAX_WORK_GROUP_SIZE,
     * CL_DEVICE_MAX_WORK_ITEM_SIZES (x, y) and CL_DRIVER_VERSION.
     */
    public record Limits(long localMemoryBytes, long maxWorkGroupSize, long maxItemsX, long maxItemsY, String driverVersion) {}

    /** Queries {@code device}'s {@link Limits}. */
    public static Limits limits(Device device) {
        cl_device_id id = device.id();
        long[] size = new long[1];
        OpenClException.check(CL.clGetDeviceInfo(id, CL.CL_DEVICE_MAX_WORK_ITEM_SIZES, 0, null, size),
                "clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)");
        long[] items = new long[(int) Math.max(2, size[0] / Sizeof.size_t)];
        OpenClException.check(CL.clGetDeviceInfo(id, CL.CL_DEVICE_MAX_WORK_ITEM_SIZES, size[0], Pointer.to(items), null),
                "clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)");
        return new Limits(deviceLong(id, CL.CL_DEVICE_LOCAL_MEM_SIZE, 8), deviceLong(id, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t),
                items[0], items[1], deviceString(id, CL.CL_DRIVER_VERSION));
    }

    /**
     * Lists every device of every platform.
     *
     * @throws OpenClException when the OpenCL library cannot be loaded or a query fails
     */
    public static List<Device> list() {
        try {
            CL.setExceptionsEnabled(false);
        } catch (LinkageError e) {
            throw new OpenClException("the OpenCL runtime cannot be loaded: JOCL found no libOpenCL.so (" + e.getMessage()
                    + "); install an OpenCL ICD loader and driver, e.g. ocl-icd-opencl-dev and pocl-opencl-icd,"
                    + " or put a libOpenCL.so link to libOpenCL.so.1 on LD_LIBRARY_PATH", e);
        }
        int[] count = new int[1];
        int code = CL.clGetPlatformIDs(0, null, count);
        if (code == PLATFORM_NOT_FOUND_KHR || (code == CL_SUCCESS && count[0] == 0)) return List.of();
        OpenClException.check(code, "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        OpenClException.check(CL.clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        List<Device> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL_PLATFORM_NAME);
            int[] n = new int[1];
            code = CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
            if (code == CL_DEVICE_NOT_FOUND || n[0] == 0) continue;
            OpenClException.check(code, "clGetDeviceIDs on platform " + platformName);
            cl_device_id[] ids = new cl_device_id[n[0]];
            OpenClException.check(CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null), "clGetDeviceIDs");
            for (cl_device_id id : ids) {
                devices.add(new Device(devices.size(), platformName, deviceString(id, CL_DEVICE_NAME),
                        deviceString(id, CL_DEVICE_VENDOR), deviceString(id, CL_DEVICE_VERSION), kind(deviceLong(id, CL_DEVICE_TYPE, 8)),
                        (int) deviceLong(id, CL_DEVICE_MAX_COMPUTE_UNITS, 4), deviceLong(id, CL_DEVICE_GLOBAL_MEM_SIZE, 8),
                        deviceString(id, CL_DEVICE_EXTENSIONS).contains("cl_khr_fp64"), platform, id));
            }
        }
        return List.copyOf(devices);
    }

    /** The kind of a CL_DEVICE_TYPE bit field: GPU and accelerator bits win over the CPU bit. */
    static DeviceKind kind(long type) {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) return DeviceKind.GPU;
        if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) return DeviceKind.ACCELERATOR;
        return DeviceKind.CPU;
    }

    /**
     * The device an automatic choice takes: the first GPU or accelerator, else the first device.
     * On a machine with PoCL (the host CPU) beside a GPU driver, that is the GPU.
     */
    public static Device preferred(List<Device> devices) {
        if (devices.isEmpty()) throw new OpenClException("no OpenCL device found on any platform");
        return devices.stream().filter(d -> d.kind().dedicated()).findFirst().orElse(devices.get(0));
    }

    /**
     * Picks a device: {@code null} or blank means {@link #preferred} (the first GPU or accelerator,
     * else the first device); digits mean that index; anything else is matched case-insensitively
     * against the device names and must match exactly one device.
     */
    public static Device select(List<Device> devices, String selector) {
        if (devices.isEmpty()) throw new OpenClException("no OpenCL device found on any platform");
        if (selector == null || selector.isBlank()) return preferred(devices);
        String s = selector.trim();
        if (s.chars().allMatch(Character::isDigit)) {
            int index = Integer.parseInt(s);
            if (index >= devices.size()) {
                throw new OpenClException("OpenCL device index " + index + " out of range; devices are:\n" + listing(devices));
            }
            return devices.get(index);
        }
        String needle = s.toLowerCase(Locale.ROOT);
        List<Device> matches = devices.stream().filter(d -> d.name().toLowerCase(Locale.ROOT).contains(needle)).toList();
        if (matches.size() != 1) {
            throw new OpenClException((matches.isEmpty() ? "no" : "more than one") + " OpenCL device matches \""
                    + s + "\"; devices are:\n" + listing(devices));
        }
        return matches.get(0);
    }

    private static String listing(List<Device> devices) {
        StringBuilder sb = new StringBuilder();
        for (Device d : devices) sb.append("  ").append(d.describe()).append('\n');
        return sb.toString();
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        OpenClException.check(CL.clGetPlatformInfo(platform, param, 0, null, size), "clGetPlatformInfo");
        byte[] bytes = new byte[(int) size[0]];
        OpenClException.check(CL.clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null), "clGetPlatformInfo");
        return cString(bytes);
    }

    private static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        OpenClException.check(CL.clGetDeviceInfo(device, param, 0, null, size), "clGetDeviceInfo");
        byte[] bytes = new byte[(int) size[0]];
        OpenClException.check(CL.clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null), "clGetDeviceInfo");
        return cString(bytes);
    }

    /** An unsigned integer device property of 4 or 8 bytes. */
    private static long deviceLong(cl_device_id device, int param, int bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        OpenClException.check(CL.clGetDeviceInfo(device, param, bytes, Pointer.to(buffer), null), "clGetDeviceInfo");
        return bytes == 4 ? Integer.toUnsignedLong(buffer.getInt(0)) : buffer.getLong(0);
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
    }
}
