package org.marquee.app.train;

/**
 * One finished epoch: training loss (mean over its batches), validation loss and the validation
 * metrics' headline numbers, wall time and throughput.
 */
public record EpochResult(int epoch, double trainLoss, double valLoss, double valAccuracy, double valHamming,
                          double valOneError, double valCoverage, double valMicroF1, double valMacroF1,
                          double valMeanAuc, double seconds, double imagesPerSecond) {
    public EpochResult {
        if (epoch < 1) throw new IllegalArgumentException("epoch numbers start at 1: " + epoch);
    }

    static final String HEADER = "epoch,train_loss,val_loss,val_accuracy,val_hamming,val_one_error,val_coverage,"
            + "val_micro_f1,val_macro_f1,val_mean_auc,seconds,images_per_s";

    String toCsv() {
        return epoch + "," + num(trainLoss) + "," + num(valLoss) + "," + num(valAccuracy) + "," + num(valHamming) + ","
                + num(valOneError) + "," + num(valCoverage) + "," + num(valMicroF1) + "," + num(valMacroF1) + ","
                + num(valMeanAuc) + "," + num(seconds) + "," + num(imagesPerSecond);
    }

    /** Parses a row written by {@link #toCsv()}; the message names the row on error. */
    static EpochResult parse(String line, int row) {
        String[] f = line.split(",", -1);
        if (f.length != 12) throw new IllegalArgumentException("epoch log row " + row + ": expected 12 fields, got " + f.length + ": " + line);
        try {
            return new EpochResult(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]), d(f[7]),
                    d(f[8]), d(f[9]), d(f[10]), d(f[11]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("epoch log row " + row + ": " + e.getMessage() + ": " + line, e);
        }
    }

    // Double.toString round-trips exactly, so a log restored from a checkpoint equals the original.
    private static String num(double v) { return Double.isNaN(v) ? "" : Double.toString(v); }
    private static double d(String s) { return s.isEmpty() ? Double.NaN : Double.parseDouble(s); }
}
