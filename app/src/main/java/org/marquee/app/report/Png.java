package org.marquee.app.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Writes PNG files through a temporary file, so a report is either complete or absent. */
final class Png {
    private Png() {}

    interface Writer { void write(OutputStream out) throws IOException; }

    static {
        System.setProperty("java.awt.headless", "true");
    }

    static void write(Path file, Writer writer) throws IOException {
        org.marquee.engine.io.AtomicFiles.write(file, writer::write);
    }

    static void chart(Chart<?, ?> chart, Path file) throws IOException {
        write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    static void image(BufferedImage image, Path file) throws IOException {
        write(file, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer available for " + file);
        });
    }

}
