package org.marquee.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.marquee.app.PosterModel;
import org.marquee.app.cluster.ModelRecipe;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.cpu.CpuOptions;
import org.marquee.engine.nn.Sequential;

/** A session's replicas in one JVM: reused by key, a failed task's replica never handed out again, all closed with the session. */
class ReplicasTest {
    static final ModelRecipe RECIPE = PosterModel.recipe(5, 24, 24, 27);

    @Test
    void replicasAreReusedByKeyDiscardedAfterAFailureAndClosedWithTheirSession() {
        UUID session = UUID.randomUUID();
        Replicas replicas = Replicas.of(session);
        assertSame(replicas, Replicas.of(session), "a session's tasks share its replicas");
        CpuOptions vector = CpuOptions.defaults().withThreads(1), scalar = vector.withScalar(true);
        Replicas.Architecture architecture;
        try (CpuBackend b = new CpuBackend(vector); Sequential m = RECIPE.build(b)) {
            architecture = Replicas.Architecture.of(m);
        }
        Replicas.Key key = new Replicas.Key(architecture, vector);
        Replicas.Replica first = replicas.borrow(key, RECIPE);
        Replicas.Replica second = replicas.borrow(key, RECIPE);
        assertNotSame(first, second, "two tasks at once get a replica each");
        replicas.giveBack(key, first);
        replicas.discard(second);   // its task failed
        assertSame(first, replicas.borrow(key, RECIPE), "a replica given back is used again");
        Replicas.Replica third = replicas.borrow(key, RECIPE);
        assertNotSame(second, third, "a discarded replica is never handed out again");
        assertEquals(3, replicas.built());

        Replicas.Key other = new Replicas.Key(key.architecture(), scalar);
        replicas.giveBack(key, third);
        Replicas.Replica onScalar = replicas.borrow(other, RECIPE);
        assertNotSame(third, onScalar, "replicas on other backend options are not interchangeable");
        assertEquals(scalar, ((CpuBackend) onScalar.backend).options());
        replicas.giveBack(other, onScalar);

        Replicas.close(session);
        assertTrue(replicas.closed());
        assertNull(Replicas.existing(session), "the closed session is forgotten");
        assertTrue(replicas.free(key).isEmpty() && replicas.free(other).isEmpty());
        assertThrows(IllegalStateException.class, () -> replicas.borrow(key, RECIPE), "a closed session builds no more replicas");
    }
}
