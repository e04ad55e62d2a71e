package org.marquee.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.marquee.engine.Backend;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.fit.Fit;
import org.marquee.engine.reference.ReferenceBackend;

/** A closed model, and what it handed out, fail loudly instead of computing on released buffers. */
class ClosedModelTest {

    private static Sequential model(Backend backend) {
        return Sequential.builder(backend, 1, 6, 6).convBlock(2, 3).dropout(0.25).flatten().dense(3).build(5);
    }

    private static void assertClosed(Executable call, String what) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call, what);
        assertTrue(e.getMessage().contains("closed"), what + ": " + e.getMessage());
    }

    @Test
    void everyUseOfAClosedModelThrows() {
        for (Backend backend : List.of(new ReferenceBackend(), new CpuBackend(1))) {
            try (backend) {
                Sequential model = model(backend);
                Tensor x = backend.allocate(2, 1, 6, 6);
                Tensor out = model.forward(x, true);
                Tensor params = model.parameters();
                Tensor kernel = model.namedParameters().get(0).value();
                Layer dense = model.layers().get(model.layers().size() - 1);
                model.close();
                model.close();   // harmless
                assertTrue(model.isClosed());
                assertClosed(() -> model.forward(x, false), backend.name() + " forward");
                assertClosed(() -> model.backward(out), backend.name() + " backward");
                assertClosed(model::parameters, backend.name() + " parameters");
                assertClosed(model::gradients, backend.name() + " gradients");
                assertClosed(model::namedParameters, backend.name() + " namedParameters");
                assertClosed(model::zeroGradients, backend.name() + " zeroGradients");
                assertClosed(() -> model.setStep(3), backend.name() + " setStep");
                assertClosed(() -> model.setDropoutSeed(3), backend.name() + " setDropoutSeed");
                assertClosed(() -> model.setFirstRow(0), backend.name() + " setFirstRow");
                assertClosed(model::inputGradient, backend.name() + " inputGradient");
                // what it handed out before: the parameter block, a kernel, an output, a layer
                assertClosed(params::toFloats, backend.name() + " parameters handed out before");
                assertClosed(kernel::toFloats, backend.name() + " a kernel handed out before");
                assertClosed(out::toFloats, backend.name() + " an output handed out before");
                assertClosed(() -> dense.forward(backend.allocate(2, 8), false), backend.name() + " a layer");
                // its description stays readable
                assertEquals(3, model.outputShape()[0]);
                assertTrue(model.summary().contains("dense_1"));
            }
        }
    }

    @Test
    void predictingThroughTheLibraryAfterCloseThrows() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            Sequential model = model(cpu);
            float[][] inputs = {new float[36], new float[36]};
            assertEquals(2, Fit.predict(model, inputs).length);
            model.close();
            assertClosed(() -> Fit.predict(model, inputs), "Fit.predict after close");
        }
    }

    @Test
    void tensorsOfAClosedCpuBackendCannotBeUsed() {
        CpuBackend cpu = new CpuBackend(1);
        Tensor t = cpu.allocate(3);
        cpu.close();
        assertClosed(t::toFloats, "a tensor of a closed backend");
        Tensor own = new CpuBackend(1).allocate(2);
        own.close();
        assertClosed(own::toFloats, "a closed tensor");
    }
}
