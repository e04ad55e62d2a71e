package org.marquee.engine.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.marquee.engine.fit.LearningRateSchedule.Plan;
import org.marquee.engine.fit.LearningRateSchedule.Shape;

class LearningRateScheduleTest {
    static final double EPS = 1e-15;

    @Test
    void warmupThenCosineToTheFloor() {
        // peak 1e-3, 10 warm-up steps, 110 in all, floor 1e-5
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(1e-3, 10, 110, 1e-5);
        assertEquals(1e-4, s.at(0), EPS, "step 0: a tenth of the way up");
        assertEquals(5e-4, s.at(4), EPS);
        assertEquals(1e-3, s.at(9), EPS, "the last warm-up step reaches the peak");
        assertEquals(1e-3, s.at(10), EPS, "the cosine starts at the peak");
        assertEquals(1e-5 + (1e-3 - 1e-5) / 2, s.at(60), EPS, "half way down the cosine: the mid point");
        assertEquals(1e-5 + (1e-3 - 1e-5) * (1 + Math.cos(Math.PI * 99 / 100)) / 2, s.at(109), EPS, "the last step");
        assertEquals(1e-5, s.at(110), EPS, "the end: the floor");
        assertEquals(1e-5, s.at(1_000_000), EPS, "and after it");
        for (long step = 10; step < 110; step++) assertTrue(s.at(step + 1) < s.at(step), "falls at step " + step);
        assertEquals(s.at(37), s.at(37), 0.0, "a pure function of the step");
    }

    @Test
    void constantIsTheSameRateEveryStep() {
        LearningRateSchedule s = LearningRateSchedule.constant(5e-4);
        assertTrue(s.isConstant());
        for (long step : new long[] {0, 1, 99, 1L << 40}) assertEquals(5e-4, s.at(step), 0.0);
        assertEquals(s, Plan.constant().forRun(5e-4, 100, 10));
    }

    @Test
    void thePlanCountsInEpochs() {
        LearningRateSchedule s = new Plan(Shape.COSINE, 2).forRun(1e-3, 50, 10);
        assertEquals(LearningRateSchedule.warmupCosine(1e-3, 100, 500, 1e-5), s);
        assertEquals(LearningRateSchedule.warmupCosine(1e-3, 0, 500, 1e-5), new Plan(Shape.COSINE, 0).forRun(1e-3, 50, 10));
        assertEquals(1e-3, new Plan(Shape.COSINE, 0).forRun(1e-3, 50, 10).at(0), EPS, "no warm-up: the peak at once");
        assertEquals(Shape.COSINE, Plan.shape("cosine"));
        assertEquals(Shape.CONSTANT, Plan.shape("constant"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plan.shape("linear"));
        assertTrue(e.getMessage().contains("--schedule must be constant or cosine"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Plan(Shape.CONSTANT, 1));
        assertTrue(e.getMessage().contains("--warmup-epochs needs --schedule cosine"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Plan(Shape.COSINE, 10).forRun(1e-3, 50, 10), "all warm-up");
        assertThrows(IllegalArgumentException.class, () -> new Plan(Shape.COSINE, -1));
    }

    @Test
    void rejectsSchedulesThatCannotBeFollowed() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1e-3, 10, 10, 1e-5), "no room to decay");
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1e-3, -1, 10, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1e-3, 1, 10, 0), "a zero floor");
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1e-3, 1, 10, 2e-3), "above the peak");
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(1e-3).at(-1));
    }
}
