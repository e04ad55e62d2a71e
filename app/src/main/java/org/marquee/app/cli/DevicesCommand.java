package org.marquee.app.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.marquee.engine.BackendProvider;
import org.marquee.opencl.OpenClDevices;
import picocli.CommandLine.Command;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists the backends on the class path with whether each can run here, and every OpenCL device.")
public final class DevicesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        PrintStream out = System.out;
        out.println("backends:");
        for (BackendProvider p : BackendProvider.all()) {
            BackendProvider.Availability a = p.probe();
            out.printf("  %-10s %s: %s%n", p.name(), a.available() ? "available" : "unavailable", a.reason());
        }
        out.println("OpenCL devices:");
        try {
            List<OpenClDevices.Device> devices = OpenClDevices.list();
            if (devices.isEmpty()) out.println("  none (no OpenCL platform or device found)");
            for (OpenClDevices.Device d : devices) out.println("  " + d.describe());
        } catch (RuntimeException | LinkageError e) {
            out.println("  none: " + e.getMessage());
        }
        return 0;
    }
}
