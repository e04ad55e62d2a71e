package org.marquee.app.backend;

import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.marquee.opencl.OpenClDevices;

/** Whether OpenCL here only offers CPU devices (such as PoCL), where the cpu backend is faster. */
final class OpenClDeviceKinds {
    private OpenClDeviceKinds() {}

    static boolean onlyCpuDevices() {
        try {
            List<OpenClDevices.Device> devices = OpenClDevices.list();
            if (devices.isEmpty()) return false;
            for (OpenClDevices.Device d : devices) {
                long[] type = new long[1];
                int code = CL.clGetDeviceInfo(d.id(), CL.CL_DEVICE_TYPE, Sizeof.cl_long, Pointer.to(type), null);
                if (code != CL.CL_SUCCESS || (type[0] & CL.CL_DEVICE_TYPE_CPU) == 0) return false;
            }
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
