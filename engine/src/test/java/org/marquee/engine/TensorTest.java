package org.marquee.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.marquee.engine.reference.ReferenceBackend;

class TensorTest {
    /** A storage that counts how often it was closed. */
    static final class CountingStorage implements Storage {
        int closes;
        @Override public long capacity() { return 24; }
        @Override public void close() { closes++; }
    }

    private final Backend ref = new ReferenceBackend();

    @Test
    void closingTheOwnerReleasesItsStorage() {
        CountingStorage storage = new CountingStorage();
        Tensor owner = Tensor.of(ref, storage, 2, 3, 4);
        assertTrue(owner.ownsStorage());
        owner.close();
        assertEquals(1, storage.closes);
    }

    @Test
    void viewsCannotCloseTheirOwnersStorage() {
        CountingStorage storage = new CountingStorage();
        Tensor owner = Tensor.of(ref, storage, 2, 3, 4);
        for (Tensor view : new Tensor[] {owner.slice(1), owner.view(4, 5), owner.reshape(6, 4), owner.slice(0).slice(2)}) {
            assertFalse(view.ownsStorage(), view.toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, view::close);
            assertTrue(e.getMessage().contains("view") && e.getMessage().contains("close the tensor that allocated"), e.getMessage());
        }
        assertEquals(0, storage.closes, "no view released the storage");
        owner.close();
        assertEquals(1, storage.closes);
    }

    @Test
    void backendsHandOutOwners() {
        try (Tensor t = ref.allocate(3, 2)) {
            assertTrue(t.ownsStorage());
            assertFalse(t.slice(0).ownsStorage());
        }
    }
}
