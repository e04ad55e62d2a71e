package org.marquee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.marquee.engine.reference.ReferenceBackend;

/** The textbook plan's workspaces: allocated on first use, sized for the largest batch, tied to one backend. */
class ConvPlanTest {
    private final ConvGeometry g = new ConvGeometry(2, 6, 7, 3, 3, 3, 1, 0);

    @Test
    void workspacesAreMadeOnFirstUseAndReusedForSmallerBatches() {
        Backend ref = new ReferenceBackend();
        try (ConvPlan plan = ref.planConv(g)) {
            assertEquals(ConvPlan.Route.TEXTBOOK, plan.route());
            assertEquals("im2col + gemm", plan.route().description());
            assertSame(g, plan.geometry());
            Tensor cols = plan.columns();
            assertArrayEquals(new int[] {g.patch(), g.positions()}, cols.shape());
            assertSame(cols, plan.columns(), "one column matrix, kept");
            Tensor y4 = plan.output(4);
            assertArrayEquals(new int[] {4, 3, 4, 5}, y4.shape());
            Tensor y2 = plan.output(2);
            assertSame(y4.storage(), y2.storage(), "a smaller batch takes the front of the same block");
            assertArrayEquals(new int[] {2, 3, 4, 5}, y2.shape());
            assertNotSame(y4.storage(), plan.output(5).storage(), "a larger batch gets a new block");
            assertNotSame(plan.output(5).storage(), plan.unpooledGradient(5).storage(), "output and dY are separate");
            assertThrows(IllegalArgumentException.class, () -> plan.output(0));
        }
    }

    @Test
    void aPlanWorksOnlyWithTheBackendThatMadeIt() {
        Backend a = new ReferenceBackend(), b = new ReferenceBackend();
        ConvPlan plan = a.planConv(g);
        Tensor x = b.allocate(1, 2, 6, 7), w = b.allocate(3, 18), bias = b.allocate(3), y = b.allocate(1, 3, 4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.conv2d(plan, x, w, bias, 1, y));
        assertTrue(e.getMessage().contains("another backend"), e.getMessage());
    }

    @Test
    void aRouteWithoutWorkspaceSaysSo() {
        ConvPlan plan = ConvPlan.withoutWorkspace(new ReferenceBackend(), g, ConvPlan.Route.DIRECT);
        IllegalStateException e = assertThrows(IllegalStateException.class, plan::columns);
        assertTrue(e.getMessage().contains("direct") && e.getMessage().contains("column"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> plan.output(1));
        assertThrows(IllegalStateException.class, () -> plan.unpooledGradient(1));
    }
}
