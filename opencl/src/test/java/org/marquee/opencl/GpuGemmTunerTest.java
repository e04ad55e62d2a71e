package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marquee.engine.reference.ReferenceBackend;

/**
 * Which GEMM family a backend takes (by device kind, forced by a setting or option), which GPU
 * variants fit a device, and the tuner: tune at first use, write the cache, read it back in a new
 * backend, survive a corrupt file, re-tune on request.
 */
class GpuGemmTunerTest {
    private static final ReferenceBackend REF = new ReferenceBackend();

    @TempDir Path dir;
    private final List<String> notes = new ArrayList<>();

    private OpenClBackend gpuBackend() {
        return OpenClRequirement.backend(new OpenClBackend.Options(GemmFamily.GPU, true, dir, notes::add));
    }

    @Test
    void theDeviceKindPicksTheFamilyAndTheSettingForcesOne() {
        OpenClRequirement.check();
        OpenClDevices.Device device = OpenClDevices.preferred(OpenClDevices.list());
        String saved = System.getProperty(GemmFamily.PROPERTY);
        try {
            System.setProperty(GemmFamily.PROPERTY, GemmFamily.forKind(device.kind()) == GemmFamily.GPU ? "cpu" : "gpu");
            try (OpenClBackend b = new OpenClBackend(device)) {
                assertEquals(GemmFamily.forKind(device.kind()), b.gemmFamily(), "a system property does not reach the backend: " + b.describe());
                assertTrue(b.describe().contains("gemm " + b.gemmFamily().label() + " family"), b.describe());
            }
        } finally {
            if (saved == null) System.clearProperty(GemmFamily.PROPERTY);
            else System.setProperty(GemmFamily.PROPERTY, saved);
        }
        try (OpenClBackend b = new OpenClBackend(device, settings(GemmFamily.PROPERTY, "gpu"))) {
            assertEquals(GemmFamily.GPU, b.gemmFamily());
            assertTrue(b.describe().contains("gemm gpu family, untuned: " + b.gemmCandidates().get(0)), "no tuning unless asked: " + b.describe());
        }
        try (OpenClBackend b = new OpenClBackend(device, settings(GemmFamily.PROPERTY, "cpu"))) {
            assertEquals(GemmFamily.CPU, b.gemmFamily());
            assertTrue(b.describe().contains("gemm cpu family, tiled"), b.describe());
            assertTrue(b.gemmCandidates().isEmpty());
            assertThrows(IllegalStateException.class, () -> b.retuneGemm(List.of()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(GemmFamily.PROPERTY, "quantum"));
        assertTrue(e.getMessage().contains(GemmFamily.PROPERTY), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> settings(OpenClBackend.Options.TUNE_PROPERTY, "sometimes"));
        assertTrue(e.getMessage().contains("on or off"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> settings(OpenClBackend.Options.TUNE_PROPERTY, "on"));
        assertTrue(e.getMessage().contains(OpenClBackend.Options.TUNE_CACHE_PROPERTY), e.getMessage());
        OpenClBackend.Options tuned = OpenClBackend.Options.fromProperties(properties(Map.of(OpenClBackend.Options.TUNE_PROPERTY, "on",
                OpenClBackend.Options.TUNE_CACHE_PROPERTY, dir.toString())));
        assertTrue(tuned.tune());
        assertEquals(dir, tuned.tuneCacheDirectory());
        assertEquals(Map.of(OpenClBackend.Options.TUNE_PROPERTY, "on", OpenClBackend.Options.TUNE_CACHE_PROPERTY, Path.of("/x", "marquee").toString()),
                OpenClProvider.commandLineDefaults("/home/h", "/x"));
        assertEquals(Path.of("/home/h", ".cache", "marquee").toString(),
                OpenClProvider.commandLineDefaults("/home/h", null).get(OpenClBackend.Options.TUNE_CACHE_PROPERTY));
    }

    private static OpenClBackend.Options settings(String name, String value) {
        return OpenClBackend.Options.fromProperties(properties(Map.of(name, value)));
    }

    private static java.util.Properties properties(Map<String, String> values) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(values);
        return p;
    }

    @Test
    void onlyVariantsThatFitTheDeviceAreCandidates() {
        OpenClDevices.Limits small = new OpenClDevices.Limits(16 * 1024, 128, 128, 128, "1");
        for (GpuGemmVariant v : GpuGemmVariant.ALL) {
            boolean fits = v.workGroupSize() <= 128 && v.localBytes() <= 16 * 1024;
            assertEquals(fits, v.unfit(small).isEmpty(), v + ": " + v.unfit(small));
        }
        assertTrue(GpuGemmVariant.named("m128n128k16w16x16").orElseThrow().unfit(small).orElseThrow().contains("work-group of 256"));
        OpenClDevices.Limits narrow = new OpenClDevices.Limits(64 * 1024, 1024, 16, 16, "1");
        assertTrue(GpuGemmVariant.named("m32n128k16w8x32").orElseThrow().unfit(narrow).orElseThrow().contains("item limits"));
        assertTrue(GpuGemmVariant.named("m64n64k32w8x8").orElseThrow().unfit(new OpenClDevices.Limits(8 * 1024, 1024, 1024, 1024, "1"))
                .orElseThrow().contains("local memory"));

        try (OpenClBackend b = gpuBackend()) {
            OpenClDevices.Limits limits = OpenClDevices.limits(b.device());
            assertFalse(b.gemmCandidates().isEmpty());
            for (GpuGemmVariant v : b.gemmCandidates()) assertTrue(v.unfit(limits).isEmpty(), v + " on " + limits);
        }
    }

    @Test
    void tunesAtFirstUseWritesTheCacheAndANewBackendReadsIt() throws IOException {
        Random rnd = new Random(3);
        int m = 40, n = 50, k = 60;
        String shapeClass = GemmShapeClass.of(false, true, m, n, k).toString();
        Path file;
        try (OpenClBackend b = gpuBackend()) {
            file = b.gemmTuneCacheFile();
            assertFalse(Files.exists(file));
            Pair a = Pair.random(REF, b, rnd, m, k), bb = Pair.random(REF, b, rnd, n, k), c = Pair.random(REF, b, rnd, m, n);
            REF.gemm(false, true, m, n, k, 1.5, a.ref(), bb.ref(), 0.5, c.ref());
            b.gemm(false, true, m, n, k, 1.5, a.ocl(), bb.ocl(), 0.5, c.ocl());   // tunes on scratch C, then runs once
            c.assertClose("tuned gemm", 2e-6 * k, 1e-5);
            assertTrue(b.describe().contains(shapeClass), b.describe());
        }
        String text = Files.readString(file);
        assertTrue(text.contains(shapeClass + "="), text);
        String winner = text.substring(text.indexOf(shapeClass + "=") + shapeClass.length() + 1).lines().findFirst().orElseThrow();
        assertTrue(GpuGemmVariant.named(winner).isPresent(), winner);
        try (OpenClBackend b = gpuBackend()) {   // the choice is known before any GEMM
            assertTrue(b.describe().contains(shapeClass + " " + winner), b.describe());
        }
        assertTrue(notes.isEmpty(), notes.toString());

        Files.writeString(file, "\u0000\u0001 not a cache");
        try (OpenClBackend b = gpuBackend()) {
            assertEquals(1, notes.size(), notes.toString());
            assertTrue(notes.get(0).contains("corrupt") && notes.get(0).contains("tuning again"), notes.get(0));
            Pair a = Pair.random(REF, b, rnd, m, k), bb = Pair.random(REF, b, rnd, n, k), c = Pair.zeros(REF, b, m, n);
            REF.gemm(false, true, m, n, k, 1.0, a.ref(), bb.ref(), 0.0, c.ref());
            b.gemm(false, true, m, n, k, 1.0, a.ocl(), bb.ocl(), 0.0, c.ocl());
            c.assertClose("gemm after a corrupt cache", 2e-6 * k, 1e-5);
        }
        assertTrue(Files.readString(file).contains("format=1\n"), "the corrupt file was replaced");
    }

    @Test
    void retuningTimesEveryCandidateAndRewritesTheCache() throws IOException {
        try (OpenClBackend b = gpuBackend()) {
            List<GpuGemm.Shape> shapes = List.of(new GpuGemm.Shape("small", false, false, 20, 30, 40),
                    new GpuGemm.Shape("long K", true, false, 8, 8, 2000));
            List<GpuGemm.Tuning> results = b.retuneGemm(shapes);
            assertEquals(2, results.size());
            String text = Files.readString(b.gemmTuneCacheFile());
            for (GpuGemm.Tuning t : results) {
                assertEquals(b.gemmCandidates().stream().map(GpuGemmVariant::name).toList(), List.copyOf(t.millis().keySet()));
                assertTrue(t.millis().values().stream().allMatch(ms -> ms > 0 && Double.isFinite(ms)), t.millis().toString());
                assertEquals(t.millis().entrySet().stream().min(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey(), t.winner());
                assertTrue(text.contains(t.shapeClass() + "=" + t.winner() + "\n"), text);
            }
        }
    }
}
