package org.marquee.engine.fit;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Hears how {@link Fit}'s training loop is going: after every epoch ({@link #epochEnded}, the one
 * method a lambda gives) and, if overridden, when an epoch starts, after every training step
 * ({@link #stepEnded}), when the steps end and when the run stops early.
 */
@FunctionalInterface
public interface FitListener {
    /**
     * Called once per epoch after the validation loss is known and any checkpoint is written.
     *
     * @param epoch what the epoch measured
     */
    void epochEnded(EpochRecord epoch);

    /**
     * Called after each training step: {@code step} of {@code steps} (1-based) in {@code epoch},
     * with the mean training loss of the epoch's steps so far. Does nothing unless overridden.
     *
     * @param epoch the epoch, from 1
     * @param step the step within the epoch, from 1
     * @param steps the epoch's number of steps
     * @param runningLoss the mean training loss of its steps so far
     */
    default void stepEnded(int epoch, int step, int steps, double runningLoss) {}

    /**
     * Called when an epoch begins, before its first step. Does nothing unless overridden.
     *
     * @param epoch the epoch, from 1
     * @param epochs the run's number of epochs
     * @param steps the epoch's number of steps
     * @param batch the examples per step
     */
    default void epochStarted(int epoch, int epochs, int steps, int batch) {}

    /**
     * Called after each training step with the learning rate it used; by default it calls
     * {@link #stepEnded(int, int, int, double)}.
     *
     * @param epoch the epoch, from 1
     * @param step the step within the epoch, from 1
     * @param steps the epoch's number of steps
     * @param runningLoss the mean training loss of its steps so far
     * @param learningRate the learning rate of this step
     */
    default void stepEnded(int epoch, int step, int steps, double runningLoss, double learningRate) {
        stepEnded(epoch, step, steps, runningLoss);
    }

    /**
     * Called when an epoch's training steps are done, before validation. Does nothing unless overridden.
     *
     * @param epoch the epoch, from 1
     */
    default void trainingStepsEnded(int epoch) {}

    /**
     * Called when training stops before its last epoch because the validation loss has not
     * improved for the patience's number of epochs; {@code reason} says so in words. Does nothing
     * unless overridden.
     *
     * @param reason the explanation, for people
     */
    default void stoppedEarly(String reason) {}

    /**
     * Called at the end of a run when the model is left with the weights of an earlier epoch, the
     * best by {@code selection} ({@link FitOptions#restoreBest()}). Does nothing unless overridden.
     *
     * @param epoch the epoch whose weights the model now holds
     * @param selection how the best epoch was chosen, in words
     */
    default void restoredBest(int epoch, String selection) {}

    /** Says nothing. */
    FitListener SILENT = e -> {};

    /**
     * Prints one line per epoch to {@code out}:
     * {@code epoch 3/10  train loss 0.4120  val loss 0.4388  0.8 s  * best}.
     *
     * @param out where the lines go
     * @return the listener
     */
    static FitListener printing(PrintStream out) {
        return new FitListener() {
            @Override public void epochEnded(EpochRecord e) { out.println(line(e)); }
            @Override public void stoppedEarly(String reason) { out.println(reason); }
            @Override public void restoredBest(int epoch, String selection) { out.println(restoredLine(epoch, selection)); }
        };
    }

    /**
     * As {@link #printing}, and also a line about every tenth of each epoch:
     * {@code epoch 3/10  step 40/100  loss 0.4302}.
     *
     * @param out where the lines go
     * @return the listener
     */
    static FitListener printingSteps(PrintStream out) {
        return new FitListener() {
            private int lastDecile;

            @Override
            public void epochEnded(EpochRecord e) {
                out.println(line(e));
            }

            @Override
            public void stoppedEarly(String reason) {
                out.println(reason);
            }

            @Override
            public void restoredBest(int epoch, String selection) {
                out.println(restoredLine(epoch, selection));
            }

            @Override
            public void stepEnded(int epoch, int step, int steps, double runningLoss) {
                int decile = (int) (10L * step / steps);
                if (step == 1) lastDecile = 0;
                if (decile > lastDecile || step == steps) {
                    lastDecile = decile;
                    out.printf(Locale.ROOT, "epoch %d  step %d/%d  loss %.4f%n", epoch, step, steps, runningLoss);
                }
            }
        };
    }

    /**
     * The line {@link #printing} prints for an epoch.
     *
     * @param e the epoch's record
     * @return the line, without a line break
     */
    static String line(EpochRecord e) {
        String val = Double.isNaN(e.validationLoss()) ? "" : String.format(Locale.ROOT, "  val loss %.4f", e.validationLoss());
        return String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f%s  %.1f s%s", e.epoch(), e.epochs(), e.trainLoss(), val,
                e.seconds(), e.best() ? "  * best" : "");
    }

    /**
     * The line the printing listeners print when the best epoch's weights are restored.
     *
     * @param epoch the epoch whose weights the model holds
     * @param selection how the best epoch was chosen, in words
     * @return the line, without a line break
     */
    static String restoredLine(int epoch, String selection) {
        return "the model holds the weights of epoch " + epoch + ", the best by " + selection;
    }
}
