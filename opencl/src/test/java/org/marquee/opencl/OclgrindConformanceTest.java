package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.marquee.engine.Backend;
import org.marquee.engine.BackendConformanceTest;

/**
 * The backend contract on Oclgrind, an OpenCL device simulator that reports out-of-bounds
 * accesses, data races between work-items, divergent barriers and API misuse: the GPU family's
 * kernels on the conformance suite's small shapes (the {@link #LARGE} ones are left out, as the
 * simulator runs a work-item at a time). Every report Oclgrind writes to its log during a test
 * fails that test. Runs in the opencl module's {@code oclgrind} execution (on when
 * {@code /usr/lib/oclgrind/liboclgrind-rt.so} exists), which points the ICD loader at Oclgrind
 * alone (OCL_ICD_VENDORS) and sets OCLGRIND_LOG, OCLGRIND_DATA_RACES and OCLGRIND_CHECK_API.
 */
class OclgrindConformanceTest extends BackendConformanceTest {
    private static final String LOG_PROPERTY = "marquee.oclgrind.log";
    private long logSeen;

    @Override
    protected Backend backend() {
        Assumptions.assumeTrue(System.getProperty(LOG_PROPERTY) != null,
                "runs in the oclgrind execution only (" + LOG_PROPERTY + " unset)");
        OpenClBackend b = OpenClRequirement.backend(OpenClBackend.Options.fromProperties(System.getProperties()).withFamily(GemmFamily.GPU).withTuning(false));
        if (!b.device().name().toLowerCase(java.util.Locale.ROOT).contains("oclgrind")) {
            String name = b.describe();
            b.close();
            fail("expected Oclgrind's simulated device, got " + name);
        }
        return b;
    }

    private static Path log() { return Path.of(System.getProperty(LOG_PROPERTY)); }

    @BeforeEach
    void markLog() throws IOException {
        logSeen = Files.exists(log()) ? Files.size(log()) : 0;
    }

    @AfterEach
    void noReports(TestInfo test) throws IOException {
        if (!Files.exists(log())) return;
        byte[] all = Files.readAllBytes(log());
        if (all.length <= logSeen) return;
        String reports = new String(all, (int) logSeen, (int) (all.length - logSeen), StandardCharsets.UTF_8);
        fail("Oclgrind reported during " + test.getDisplayName() + ":\n" + reports);
    }
}
