package org.marquee.app.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.marquee.app.train.EpochResult;

/** Training curves per epoch: {@code loss.png} (train and validation loss) and {@code f1.png} (validation F1). */
public final class TrainingCharts {
    private TrainingCharts() {}

    public static void write(List<EpochResult> epochs, Path dir) throws IOException {
        if (epochs.isEmpty()) return;
        double[] x = epochs.stream().mapToDouble(EpochResult::epoch).toArray();

        XYChart loss = chart("Binary cross-entropy per epoch", "loss");
        loss.addSeries("training", x, epochs.stream().mapToDouble(EpochResult::trainLoss).toArray()).setMarker(SeriesMarkers.CIRCLE);
        loss.addSeries("validation", x, epochs.stream().mapToDouble(EpochResult::valLoss).toArray()).setMarker(SeriesMarkers.DIAMOND);
        Png.chart(loss, dir.resolve("loss.png"));

        XYChart f1 = chart("Validation F1 per epoch (threshold 0.5)", "F1");
        f1.addSeries("micro F1", x, epochs.stream().mapToDouble(EpochResult::valMicroF1).toArray()).setMarker(SeriesMarkers.CIRCLE);
        f1.addSeries("macro F1", x, epochs.stream().mapToDouble(EpochResult::valMacroF1).toArray()).setMarker(SeriesMarkers.DIAMOND);
        Png.chart(f1, dir.resolve("f1.png"));
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setDecimalPattern("#0.###");
        c.getStyler().setXAxisDecimalPattern("0");
        return c;
    }
}
