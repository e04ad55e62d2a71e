package org.marquee.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.marquee.engine.BackendProvider.Availability;
import org.opentest4j.TestAbortedException;
import org.opentest4j.AssertionFailedError;

/** The skip-or-fail switch, without touching OpenCL. */
class OpenClRequirementTest {
    private static final Availability NONE = Availability.no("no OpenCL platform");
    private static final Availability SOME = Availability.yes("1 device");

    @Test
    void availableAlwaysRuns() {
        assertEquals(OpenClRequirement.Decision.RUN, OpenClRequirement.decide(SOME, null));
        assertEquals(OpenClRequirement.Decision.RUN, OpenClRequirement.decide(SOME, "1"));
    }

    @Test
    void unavailableSkipsUnlessRequired() {
        assertEquals(OpenClRequirement.Decision.SKIP, OpenClRequirement.decide(NONE, null));
        assertEquals(OpenClRequirement.Decision.SKIP, OpenClRequirement.decide(NONE, ""));
        assertEquals(OpenClRequirement.Decision.SKIP, OpenClRequirement.decide(NONE, "0"));
        assertEquals(OpenClRequirement.Decision.FAIL, OpenClRequirement.decide(NONE, "1"));
        assertEquals(OpenClRequirement.Decision.FAIL, OpenClRequirement.decide(NONE, " true "));
    }

    @Test
    void requiredValues() {
        assertTrue(OpenClRequirement.required("1"));
        assertFalse(OpenClRequirement.required("yes please"));
        assertFalse(OpenClRequirement.required(null));
    }

    @Test
    void checkAgreesWithTheProbeAndEnvironment() {
        OpenClRequirement.linkLibrary();
        Availability a = new OpenClProvider().probe();
        OpenClRequirement.Decision expected = OpenClRequirement.decide(a, System.getenv(OpenClRequirement.ENV));
        OpenClRequirement.Decision actual;
        try {
            OpenClRequirement.check();
            actual = OpenClRequirement.Decision.RUN;
        } catch (TestAbortedException e) {
            actual = OpenClRequirement.Decision.SKIP;
            assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        } catch (AssertionFailedError e) {
            actual = OpenClRequirement.Decision.FAIL;
            assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        }
        assertEquals(expected, actual);
    }
}
