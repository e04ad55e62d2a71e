package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuning cache file (no device needed): round trip, corrupt and foreign files, atomic rewrite; shape classes. */
class GemmTuneCacheTest {
    private static final GemmTuneCache.Key KEY = new GemmTuneCache.Key("Some GPU 9000", "555.42.06", GemmFamily.GPU);

    @TempDir Path dir;

    private static Map<GemmShapeClass, GpuGemmVariant> choices() {
        Map<GemmShapeClass, GpuGemmVariant> m = new LinkedHashMap<>();
        m.put(GemmShapeClass.of(false, false, 32, 128, 86528), GpuGemmVariant.ALL.get(3));
        m.put(GemmShapeClass.of(true, false, 288, 11881, 64), GpuGemmVariant.ALL.get(1));
        return m;
    }

    @Test
    void writesAndReadsTheChoices() throws IOException {
        GemmTuneCache cache = new GemmTuneCache(dir, KEY);
        GemmTuneCache.Loaded empty = cache.load();
        assertTrue(empty.choices().isEmpty());
        assertNull(empty.problem(), "a missing file is an empty cache, not a problem");
        cache.store(choices());
        GemmTuneCache.Loaded loaded = new GemmTuneCache(dir, KEY).load();
        assertNull(loaded.problem());
        assertEquals(choices(), loaded.choices());
        String text = Files.readString(cache.file());
        assertTrue(text.contains("device=Some GPU 9000\n") && text.contains("nn:32x128x131072=" + GpuGemmVariant.ALL.get(3).name()), text);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(cache.file()), files.toList(), "no temporary file is left behind");
        }
        cache.store(Map.of());   // rewriting replaces the file
        assertTrue(new GemmTuneCache(dir, KEY).load().choices().isEmpty());
    }

    @Test
    void anotherDeviceDriverOrFamilyHasItsOwnFile() throws IOException {
        GemmTuneCache cache = new GemmTuneCache(dir, KEY);
        cache.store(choices());
        for (GemmTuneCache.Key other : new GemmTuneCache.Key[] {
                new GemmTuneCache.Key("Other GPU", KEY.driver(), GemmFamily.GPU),
                new GemmTuneCache.Key(KEY.device(), "556.0", GemmFamily.GPU),
                new GemmTuneCache.Key(KEY.device(), KEY.driver(), GemmFamily.CPU)}) {
            GemmTuneCache c = new GemmTuneCache(dir, other);
            assertNotEquals(cache.file(), c.file());
            assertTrue(c.load().choices().isEmpty());
        }
        // the same file under another key (copied, or a hash collision) is not used, and says why
        Path copied = new GemmTuneCache(dir, new GemmTuneCache.Key("Other GPU", "1", GemmFamily.GPU)).file();
        Files.copy(cache.file(), copied);
        GemmTuneCache.Loaded loaded = new GemmTuneCache(dir, new GemmTuneCache.Key("Other GPU", "1", GemmFamily.GPU)).load();
        assertTrue(loaded.choices().isEmpty());
        assertTrue(loaded.problem().contains("not this one") && loaded.problem().contains("Some GPU 9000"), loaded.problem());
    }

    @Test
    void aCorruptOrUnreadableFileMeansTuningAgain() throws IOException {
        GemmTuneCache cache = new GemmTuneCache(dir, KEY);
        String[] bad = {
                "garbage without an equals sign",
                "format=1\ndevice=Some GPU 9000\ndriver=555.42.06\nfamily=gpu\nnn:32x128=m64n64k16w16x16\n",
                "format=1\ndevice=Some GPU 9000\ndriver=555.42.06\nfamily=gpu\nnn:33x128x16=m64n64k16w16x16\n",
                "format=2\ndevice=Some GPU 9000\ndriver=555.42.06\nfamily=gpu\n",
                "device=Some GPU 9000\ndriver=555.42.06\nfamily=gpu\n"};
        for (String text : bad) {
            Files.writeString(cache.file(), text);
            GemmTuneCache.Loaded loaded = cache.load();
            assertTrue(loaded.choices().isEmpty(), text);
            assertTrue(loaded.problem() != null && loaded.problem().contains("corrupt") && loaded.problem().contains("tuning again"),
                    text + " -> " + loaded.problem());
        }
        Files.write(cache.file(), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});   // not UTF-8
        assertTrue(cache.load().problem().contains("unreadable"), cache.load().problem());
        Files.delete(cache.file());
        Files.createDirectory(cache.file());                                       // a directory where the file should be
        assertTrue(cache.load().problem().contains("unreadable"), cache.load().problem());
    }

    @Test
    void anUnknownVariantIsDroppedAndReported() throws IOException {
        GemmTuneCache cache = new GemmTuneCache(dir, KEY);
        Files.writeString(cache.file(), "format=1\ndevice=Some GPU 9000\ndriver=555.42.06\nfamily=gpu\n"
                + "nn:1x1x1=no-such-variant\nnt:2x2x2=" + GpuGemmVariant.ALL.get(0).name() + "\n");
        GemmTuneCache.Loaded loaded = cache.load();
        assertEquals(Map.of(GemmShapeClass.parse("nt:2x2x2"), GpuGemmVariant.ALL.get(0)), loaded.choices());
        assertTrue(loaded.problem().contains("no-such-variant"), loaded.problem());
    }

    @Test
    void shapeClassesRoundUpToPowersOfTwo() {
        assertEquals(1, GemmShapeClass.bucket(1));
        assertEquals(2, GemmShapeClass.bucket(2));
        assertEquals(4, GemmShapeClass.bucket(3));
        assertEquals(131072, GemmShapeClass.bucket(86528));
        assertEquals(GemmShapeClass.of(false, true, 30, 27, 40000), GemmShapeClass.of(false, true, 32, 32, 49284));
        assertNotEquals(GemmShapeClass.of(false, true, 32, 27, 49284), GemmShapeClass.of(true, false, 32, 27, 49284));
        GemmShapeClass c = GemmShapeClass.of(true, false, 288, 11881, 64);
        assertEquals("tn:512x16384x64", c.toString());
        assertEquals(c, GemmShapeClass.parse(c.toString()));
        assertThrows(IllegalArgumentException.class, () -> GemmShapeClass.bucket(0));
        assertThrows(IllegalArgumentException.class, () -> GemmShapeClass.parse("xn:1x1x1"));
    }

    @Test
    void familyPropertyValuesAreValidated() {
        assertNull(GemmFamily.parse(null));
        assertNull(GemmFamily.parse(" auto "));
        assertEquals(GemmFamily.GPU, GemmFamily.parse("GPU"));
        assertEquals(GemmFamily.CPU, GemmFamily.parse("cpu"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmFamily.parse("fpga"));
        assertTrue(e.getMessage().contains("auto, cpu or gpu") && e.getMessage().contains("fpga"), e.getMessage());
        assertEquals(GemmFamily.GPU, GemmFamily.forKind(org.marquee.engine.DeviceKind.GPU));
        assertEquals(GemmFamily.CPU, GemmFamily.forKind(org.marquee.engine.DeviceKind.CPU));
    }
}
