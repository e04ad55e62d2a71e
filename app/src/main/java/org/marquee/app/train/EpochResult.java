package org.marquee.app.train;

/**
 * One finished epoch: training loss (mean over its batches), validation loss and the validation
 * metrics' headline numbers (mAP among them), wall time and throughput.
 */
public record EpochResult(int epoch, double trainLoss, double valLoss, double valAccuracy, double valHamming,
                          double valOneError, double valCoverage, double valMicroF1, double valMacroF1,
                          double valMeanAuc, double valMap, double seconds, double imagesPerSecond) {
    public EpochResult {
        if (epoch < 1) throw new IllegalArgumentException("epoch numbers start at 1: " + epoch);
    }

    /** Without mAP (NaN), as logs written before it was measured. */
    public EpochResult(int epoch, double trainLoss, double valLoss, double valAccuracy, double valHamming, double valOneError,
                       double valCoverage, double valMicroF1, double valMacroF1, double valMeanAuc, double seconds,
                       double imagesPerSecond) {
        this(epoch, trainLoss, valLoss, valAccuracy, valHamming, valOneError, valCoverage, valMicroF1, valMacroF1, valMeanAuc,
                Double.NaN, seconds, imagesPerSecond);
    }

    static final String HEADER = "epoch,train_loss,val_loss,val_accuracy,val_hamming,val_one_error,val_coverage,"
            + "val_micro_f1,val_macro_f1,val_mean_auc,val_map,seconds,images_per_s";
    /** The header of logs written before {@code val_map}; {@link EpochLog#parse} still reads them. */
    static final String HEADER_WITHOUT_MAP = HEADER.replace("val_map,", "");

    String toCsv() {
        return epoch + "," + num(trainLoss) + "," + num(valLoss) + "," + num(valAccuracy) + "," + num(valHamming) + ","
                + num(valOneError) + "," + num(valCoverage) + "," + num(valMicroF1) + "," + num(valMacroF1) + ","
                + num(valMeanAuc) + "," + num(valMap) + "," + num(seconds) + "," + num(imagesPerSecond);
    }

    /** Parses a row written by {@link #toCsv()}; the message names the row on error. */
    static EpochResult parse(String line, int row) {
        return parse(line, row, true);
    }

    /** Parses a row with a {@code val_map} field or, when {@code withMap} is false, an older row without it (mAP NaN). */
    static EpochResult parse(String line, int row, boolean withMap) {
        String[] f = line.split(",", -1);
        int expected = withMap ? 13 : 12;
        if (f.length != expected) {
            throw new IllegalArgumentException("epoch log row " + row + ": expected " + expected + " fields, got " + f.length + ": " + line);
        }
        try {
            int k = withMap ? 1 : 0;
            return new EpochResult(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]), d(f[7]),
                    d(f[8]), d(f[9]), withMap ? d(f[10]) : Double.NaN, d(f[10 + k]), d(f[11 + k]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("epoch log row " + row + ": " + e.getMessage() + ": " + line, e);
        }
    }

    // Double.toString round-trips exactly, so a log restored from a checkpoint equals the original.
    private static String num(double v) { return Double.isNaN(v) ? "" : Double.toString(v); }
    private static double d(String s) { return s.isEmpty() ? Double.NaN : Double.parseDouble(s); }
}
