package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.junit.jupiter.api.Test;

class OpenClContextTest {
    /** A program whose kernel {@code put} writes {@code value} to out[0]. */
    private static String put(int value) {
        return "__kernel void put(__global float* out) { out[0] = " + value + ".0f; }\n";
    }

    private static float runPut(OpenClContext cl, String file, ClStorage out) {
        new KernelCall(cl, file, "put").mem(out).run(1);
        float[] v = new float[1];
        OpenClException.check(CL.clEnqueueReadBuffer(cl.queue(), out.memory(), CL.CL_TRUE, 0, Sizeof.cl_float, Pointer.to(v),
                0, null, null), "clEnqueueReadBuffer");
        return v[0];
    }

    @Test
    void bothConvolutionProgramsTakeCol2imFromOneFile() {
        String shared = OpenClContext.readResource("col2im.cl");
        for (String file : new String[] {"conv.cl", "conv_batch.cl"}) {
            String source = OpenClContext.readResource(file);
            assertTrue(source.contains(shared), file + " holds col2im.cl's source");
            assertTrue(source.lines().noneMatch(l -> l.startsWith("#include")), file + ": every include expanded");
            assertEquals(1, source.split("float col2im_sum\\(", -1).length - 1, file + " defines col2im_sum once");
        }
    }

    @Test
    void kernelsOfTheSameNameInTwoProgramsAreKeptApart() {
        OpenClRequirement.check();
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("one.cl", put(1));
        sources.put("two.cl", put(2));
        try (OpenClContext cl = new OpenClContext(OpenClDevices.list().get(0), sources)) {
            ClStorage out = cl.allocate(1);
            assertEquals(1f, runPut(cl, "one.cl", out));
            assertEquals(2f, runPut(cl, "two.cl", out), "two.cl's put, not the cached one of one.cl");
            assertEquals(1f, runPut(cl, "one.cl", out));
            assertNotSame(cl.kernel("one.cl", "put"), cl.kernel("two.cl", "put"));
            assertSame(cl.kernel("two.cl", "put"), cl.kernel("two.cl", "put"), "a kernel is created once and kept");
            assertThrows(IllegalArgumentException.class, () -> cl.kernel("three.cl", "put"));
            out.close();
        }
    }
}
