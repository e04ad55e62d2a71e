package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.marquee.engine.Tensor;

/** The backend counts every host-device copy: uploads, downloads and reductions' partial sums, not kernels. */
class HostTransfersTest {

    @Test
    void sinceSubtractsAndCountsAreNonNegative() {
        HostTransfers a = new HostTransfers(1, 40, 2, 80);
        HostTransfers b = new HostTransfers(3, 100, 2, 96);
        assertEquals(new HostTransfers(2, 60, 0, 16), b.since(a));
        assertThrows(IllegalArgumentException.class, () -> a.since(b));
    }

    @Test
    void copiesAreCountedAndKernelsAreNot() {
        try (OpenClBackend ocl = OpenClRequirement.backend()) {
            Tensor x = ocl.allocate(10_000);      // allocation zero-fills on the device: no copy
            HostTransfers start = ocl.hostTransfers();
            ocl.upload(x, new float[10_000]);
            assertEquals(new HostTransfers(1, 40_000, 0, 0), ocl.hostTransfers().since(start));

            HostTransfers beforeKernels = ocl.hostTransfers();
            Tensor y = ocl.allocate(10_000);
            ocl.fill(x, 2);
            ocl.relu(x, y);
            ocl.copy(y, x);
            ocl.synchronize();
            assertEquals(new HostTransfers(0, 0, 0, 0), ocl.hostTransfers().since(beforeKernels));

            HostTransfers beforeReads = ocl.hostTransfers();
            assertEquals(4.0 * 10_000, ocl.sumOfSquares(y), 1e-3);
            ocl.download(y);
            // the download, and the one sum the reduction finished on the device (a double where the device has fp64)
            long sum = ocl.device().fp64() ? 8 : 4;
            assertEquals(new HostTransfers(0, 0, 2, 40_000 + sum), ocl.hostTransfers().since(beforeReads));
            x.close();
            y.close();
        }
    }
}
