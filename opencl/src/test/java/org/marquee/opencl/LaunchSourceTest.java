package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No code but {@link OpenClContext#enqueue} calls clEnqueueNDRangeKernel, so no launch can skip
 * its check for a work-group size. Reads the module's sources (run from the module directory, as
 * Maven does; the device kit, which has no sources, leaves this class out).
 */
class LaunchSourceTest {
    @Test
    void onlyTheContextEnqueuesKernels() throws IOException {
        Path sources = Path.of("src/main/java");
        assertTrue(Files.isDirectory(sources), "run from the module directory: " + sources.toAbsolutePath());
        List<Path> enqueuing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains("clEnqueueNDRangeKernel")) enqueuing.add(f.getFileName());
            }
        }
        assertEquals(List.of(Path.of("OpenClContext.java")), enqueuing,
                "kernels are enqueued only by OpenClContext.enqueue, which requires a local size");
    }
}
