package org.marquee.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MainDemoTest {
    String after(String option) {
        List<String> args = List.of(Main.DEMO);
        int i = args.indexOf(option);
        return i < 0 ? null : args.get(i + 1);
    }

    @Test
    void theClosingHintsDescribeTheDataAndFolderTheDemoTrainsOn() {
        assertEquals("train", Main.DEMO[0]);
        assertEquals(Integer.toString(Main.DEMO_POSTERS), after("--synthetic"));
        assertEquals(Main.DEMO_OUTPUT.toString(), after("--output"));
        assertFalse(List.of(Main.DEMO).contains("--split-seed"), "the hints assume the default split seed");
        assertFalse(List.of(Main.DEMO).contains("--image-size"), "the hints assume the default image size");
        assertTrue(List.of(Main.DEMO).contains("--overwrite"), "a second demo replaces the first instead of being refused");
        assertEquals(List.of("evaluate -c runs/demo/best.ckpt",
                        "predict -c runs/demo/best.ckpt runs/demo/poster.png",
                        "explain --checkpoint runs/demo/best.ckpt --poster runs/demo/poster.png"),
                DemoNextSteps.commands(Main.DEMO_OUTPUT));
    }
}
