package org.marquee.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cpu tuning: every choice the search may make gives the same bits, the cache file, the defaults from the caches. */
class CpuTunerTest {

    private static final ProcessorInfo CPU = new ProcessorInfo("Test Processor 9000", 2, "17.0.1+1", 512, 48 << 10, 2 << 20);

    @Test
    void everyScheduleChoiceGivesTheSameBitsRunAfterRun() {
        CpuTuning start = CpuTuning.forProcessor(CPU);
        List<CpuTuning> all = new ArrayList<>(CpuTuner.singleChanges(start));
        all.add(CpuTuning.baseline());
        assertTrue(all.size() > 15, "the search has candidates for every schedule choice: " + all.size());
        float[] layers, product;
        try (CpuBackend reference = new CpuBackend(CpuOptions.defaults().withThreads(2).withTuning(start))) {
            layers = CpuOptionsTest.layerResults(reference);
            product = CpuOptionsTest.product(reference);
        }
        for (CpuTuning t : all) {
            assertEquals(start.kc(), t.kc(), "the search never changes the depth block");
            assertEquals(start.dotProducts(), t.dotProducts(), "the search never changes the dot-product route");
            for (int threads : new int[] {1, 3}) {
                try (CpuBackend b = new CpuBackend(CpuOptions.defaults().withThreads(threads).withTuning(t))) {
                    assertArrayEquals(layers, CpuOptionsTest.layerResults(b), t + ", " + threads + " threads: conv, pooling, dropout");
                    assertArrayEquals(product, CpuOptionsTest.product(b), t + ", " + threads + " threads: GEMM");
                }
            }
        }
    }

    @Test
    void defaultsWithoutAMeasurementComeFromTheCacheSizes() {
        CpuTuning big = CpuTuning.forProcessor(CPU);                                    // 2 MiB L2
        CpuTuning small = CpuTuning.forProcessor(new ProcessorInfo("x", 2, "17", 256, 32 << 10, 512 << 10));
        assertEquals(336, big.mc(), "a quarter of 2 MiB holds 341 rows of kc = 384 floats, rounded down to 8");
        assertEquals(672, big.nc(), "half of 2 MiB holds 682 columns, rounded down to the micro-tile");
        assertTrue(small.mc() < big.mc() && small.nc() < big.nc(), small + " vs " + big);
        assertEquals(CpuTuning.DEFAULT_KC, small.kc(), "the depth block does not follow the caches");
        CpuTuning unknown = CpuTuning.forProcessor(new ProcessorInfo("x", 2, "17", 512, 0, 0));
        assertTrue(unknown.mc() >= 64 && unknown.nc() >= 64, "unknown caches: 1 MiB assumed: " + unknown);
    }

    @Test
    void processorInfoReadsLinuxCacheFolders(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        writeIndex(cache.resolve("index0"), "1", "Data", "48K");
        writeIndex(cache.resolve("index1"), "1", "Instruction", "32K");
        writeIndex(cache.resolve("index2"), "2", "Unified", "2048K");
        assertEquals(48 << 10, ProcessorInfo.cacheBytes(cache, 1));
        assertEquals(2 << 20, ProcessorInfo.cacheBytes(cache, 2));
        assertEquals(0, ProcessorInfo.cacheBytes(cache, 3), "no level 3 listed");
        assertEquals(0, ProcessorInfo.cacheBytes(dir.resolve("absent"), 1));
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: Example CPU @ 2.00GHz\n");
        assertEquals("Example CPU @ 2.00GHz", ProcessorInfo.modelName(cpuinfo));
        assertEquals(System.getProperty("os.arch"), ProcessorInfo.modelName(dir.resolve("none")));
    }

    private static void writeIndex(Path d, String level, String type, String size) throws IOException {
        Files.createDirectories(d);
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }

    @Test
    void theCacheFileRoundTripsAndRefusesCorruptOrForeignFiles(@TempDir Path dir) throws IOException {
        CpuTuning t = CpuTuning.forProcessor(CPU).withConvUnits(6, 16, 4).withPairLanes(true);
        Path file = CpuTuner.cacheFile(dir, CPU);
        CpuTuner.write(file, CPU, t);
        assertEquals(t, CpuTuner.read(file, CPU));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left beside it");
        }

        ProcessorInfo other = new ProcessorInfo(CPU.model(), CPU.cores(), "25.0.1+8", CPU.vectorBits(), CPU.l1dBytes(), CPU.l2Bytes());
        assertNotEquals(file, CpuTuner.cacheFile(dir, other), "another JDK has a file of its own");
        Files.copy(file, CpuTuner.cacheFile(dir, other));
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> CpuTuner.read(CpuTuner.cacheFile(dir, other), other));
        assertTrue(foreign.getMessage().contains("another machine"), foreign.getMessage());

        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, text.replace("convRows=6", "convRows=8"), StandardCharsets.UTF_8);
        IllegalArgumentException corrupt = assertThrows(IllegalArgumentException.class, () -> CpuTuner.read(file, CPU));
        assertTrue(corrupt.getMessage().contains("checksum"), corrupt.getMessage());

        Files.delete(file);
        Files.createDirectory(file);
        assertThrows(IOException.class, () -> CpuTuner.read(file, CPU), "a folder is not a cache file");
        assertThrows(IOException.class, () -> CpuTuner.write(file, CPU, t), "nothing is renamed over a folder");
    }

    @Test
    void cachedOrTunedMeasuresOnceThenReusesAndTunesAgainAfterCorruption(@TempDir Path dir) throws IOException {
        ProcessorInfo here = ProcessorInfo.current();
        List<String> lines = new ArrayList<>();
        CpuTuner.Outcome first = CpuTuner.cachedOrTuned(dir, here, 2, Duration.ofSeconds(1), lines::add);
        assertTrue(first.source().startsWith("measured now"), first.source());
        assertTrue(lines.get(0).contains("measuring the cpu backend's choices"), lines.toString());
        assertTrue(lines.get(lines.size() - 1).contains("chosen: "), lines.toString());
        Path file = CpuTuner.cacheFile(dir, here);
        assertTrue(Files.isRegularFile(file));

        lines.clear();
        CpuTuner.Outcome second = CpuTuner.cachedOrTuned(dir, here, 2, Duration.ofSeconds(1), lines::add);
        assertEquals(first.tuning(), second.tuning());
        assertTrue(second.source().startsWith("cached in"), second.source());
        assertTrue(lines.isEmpty(), "a cached tuning is not measured again: " + lines);

        Files.writeString(file, "garbage\n");
        CpuTuner.Outcome third = CpuTuner.cachedOrTuned(dir, here, 2, Duration.ofSeconds(1), lines::add);
        assertTrue(third.source().startsWith("measured now"), third.source());
        assertTrue(lines.get(0).contains("is not usable"), lines.toString());
        assertEquals(third.tuning(), CpuTuner.read(file, here), "the new measurement replaced the corrupt file");
    }

    @Test
    void theProviderUsesTheCacheOrTheCacheSizeDefaultsWhenTuningIsOff(@TempDir Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty(CpuProvider.TUNE_PROPERTY, "false");
        p.setProperty(CpuProvider.TUNING_DIR_PROPERTY, dir.toString());
        ProcessorInfo here = ProcessorInfo.current();
        CpuTuner.Outcome derived = CpuProvider.machineTuning(p, 2);
        assertEquals(CpuTuning.forProcessor(here), derived.tuning());
        assertFalse(Files.exists(CpuTuner.cacheFile(dir, here)), "nothing measured, nothing written");
        CpuTuning cached = CpuTuning.forProcessor(here).withConvUnits(8, 4, 2);
        CpuTuner.write(CpuTuner.cacheFile(dir, here), here, cached);
        assertEquals(cached, CpuProvider.machineTuning(p, 2).tuning());
    }

    @Test
    void withoutSettingsTheProviderTakesTheBaselineAndReadsNoCache(@TempDir Path dir) throws IOException {
        Properties none = new Properties();
        CpuTuner.Outcome outcome = CpuProvider.machineTuning(none, 2);
        assertEquals(CpuTuning.baseline(), outcome.tuning());
        assertTrue(outcome.source().contains("baseline"), outcome.source());
        Properties measure = new Properties();
        measure.setProperty(CpuProvider.TUNE_PROPERTY, "true");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuProvider.machineTuning(measure, 2));
        assertTrue(e.getMessage().contains(CpuProvider.TUNING_DIR_PROPERTY), e.getMessage());
        assertEquals(Map.of(CpuProvider.TUNE_PROPERTY, "true", CpuProvider.TUNING_DIR_PROPERTY, dir.resolve(".cache").resolve("marquee").toString()),
                CpuProvider.commandLineDefaults(dir.toString()));
    }
}
