package org.marquee.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochLogTest {
    @TempDir Path dir;

    static EpochResult row(int epoch) {
        return new EpochResult(epoch, 0.1 * epoch + 1e-17, 0.7 / 3, 0.92, 0.08, Double.NaN, 7.5, 0.39, 0.2, 0.61, 0.45, 12.5, 33.3);
    }

    @Test
    void roundTripsExactlyThroughCsv() throws IOException {
        EpochLog log = new EpochLog();
        log.add(row(1));
        log.add(row(2));
        EpochLog back = EpochLog.parse(log.toCsv());
        assertEquals(log.rows(), back.rows());
        Path f = dir.resolve("epochs.csv");
        log.write(f);
        String text = Files.readString(f);
        assertTrue(text.startsWith("epoch,train_loss,val_loss,"), text);
        assertTrue(text.contains(",val_mean_auc,val_map,seconds,"), text);
        assertTrue(text.contains(",0.61,0.45,12.5,"), text);
        assertEquals(3, text.strip().split("\n").length);
        assertEquals(0, EpochLog.parse("").rows().size());
    }

    @Test
    void rejectsGapsAndBadRows() {
        EpochLog log = new EpochLog();
        assertThrows(IllegalArgumentException.class, () -> log.add(row(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EpochLog.parse(new EpochLog().toCsv() + "1,abc,0,0,0,0,0,0,0,0,0,0,0\n"));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EpochLog.parse(new EpochLog().toCsv() + "1,0,0,0,0,0,0,0,0,0,0,0\n"));
        assertTrue(e.getMessage().contains("expected 13 fields, got 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EpochLog.parse("epoch,train_loss\n"), "unknown header");
    }

    @Test
    void readsLogsWrittenBeforeTheMapColumn() {
        String old = "epoch,train_loss,val_loss,val_accuracy,val_hamming,val_one_error,val_coverage,"
                + "val_micro_f1,val_macro_f1,val_mean_auc,seconds,images_per_s\n"
                + "1,0.7,0.65,0.9,0.1,0.5,3.0,0.3,0.2,0.6,12.5,33.3\n";
        EpochResult r = EpochLog.parse(old).rows().get(0);
        assertEquals(new EpochResult(1, 0.7, 0.65, 0.9, 0.1, 0.5, 3.0, 0.3, 0.2, 0.6, Double.NaN, 12.5, 33.3), r);
        assertTrue(EpochLog.parse(old).toCsv().contains(",0.6,,12.5,"), "written back with an empty mAP field");
    }
}
