package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * Every GPU GEMM variant on Oclgrind's simulated device, against the reference backend: a small
 * GEMM past the block's edges in M and N with three K slices (so the vector variants' prefetch
 * runs), once with neither operand transposed and once with both (between them every staging
 * path of A and B), the second with alpha, beta and K split into two slabs. Any out-of-bounds
 * access, race between work-items or divergent barrier Oclgrind logs fails the variant. Runs in
 * the oclgrind execution only, like {@link OclgrindConformanceTest}, whose conformance suite runs
 * the untuned first variant.
 */
class OclgrindGemmVariantsTest {
    private static final String LOG_PROPERTY = "marquee.oclgrind.log";
    private static final ReferenceBackend REF = new ReferenceBackend();
    private static OpenClBackend ocl;

    @BeforeAll
    static void open() {
        Assumptions.assumeTrue(System.getProperty(LOG_PROPERTY) != null,
                "runs in the oclgrind execution only (" + LOG_PROPERTY + " unset)");
        ocl = OpenClRequirement.backend(OpenClBackend.Options.fromProperties(System.getProperties()).withFamily(GemmFamily.GPU).withTuning(false));
        if (!ocl.device().name().toLowerCase(java.util.Locale.ROOT).contains("oclgrind")) {
            String name = ocl.describe();
            ocl.close();
            ocl = null;
            fail("expected Oclgrind's simulated device, got " + name);
        }
    }

    @AfterAll
    static void close() { if (ocl != null) ocl.close(); }

    static java.util.List<GpuGemmVariant> variants() { return GpuGemmVariant.ALL; }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void runsCleanAndMatchesTheReference(GpuGemmVariant v) throws IOException {
        Path log = Path.of(System.getProperty(LOG_PROPERTY));
        long seen = Files.exists(log) ? Files.size(log) : 0;
        int m = v.mwg() + 3, n = v.nwg() + 5, k = 2 * v.kwg() + 7;
        Random rnd = new Random(v.name().hashCode());
        for (boolean trans : new boolean[] {false, true}) {
            Pair a = Pair.random(REF, ocl, rnd, trans ? k : m, trans ? m : k);
            Pair b = Pair.random(REF, ocl, rnd, trans ? n : k, trans ? k : n);
            Pair c = Pair.random(REF, ocl, rnd, m, n);
            double alpha = trans ? 0.5 : 1, beta = trans ? -1.5 : 0;
            REF.gemm(trans, trans, m, n, k, alpha, a.ref(), b.ref(), beta, c.ref());
            ocl.gemm(v, trans ? 2 : 1, trans, trans, m, n, k, alpha, a.ocl(), b.ocl(), beta, c.ocl());
            c.assertClose(v + (trans ? " tt, 2 slabs" : " nn"), 3e-6 * k, 1e-5);
        }
        ocl.synchronize();
        if (Files.exists(log) && Files.size(log) > seen) {
            byte[] all = Files.readAllBytes(log);
            fail("Oclgrind reported for " + v + ":\n" + new String(all, (int) seen, (int) (all.length - seen), StandardCharsets.UTF_8));
        }
    }
}
