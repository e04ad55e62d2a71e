package org.marquee.app.teach;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Every number, shape and table the guide ({@code docs/}) shows, computed now by the project's own
 * code. The guide marks each one with its name (see {@link GuideDocument}); a test compares the two,
 * so the guide cannot drift from the code. Figures are computed on first use and kept.
 */
public final class GuideFigures implements Figures {
    private final Map<String, Supplier<String>> figures = new LinkedHashMap<>();
    private final Map<String, String> computed = new LinkedHashMap<>();
    private final ModelFigures model = new ModelFigures();

    public GuideFigures() {
        // the model
        add("model.parameters", () -> String.format(Locale.ROOT, "%,d", model.parameterCount()));
        add("model-summary", model::summary);
        add("parameter-table", model::parameterTable);
        add("dense1.share", model::denseShare);
        add("gemm-table", model::gemmTable);
        add("backward-table", model::backwardTable);
        add("explain-table", model::explainTable);
        add("init.loss", model::initialLoss);
        add("init.max-logit", model::largestLogit);
        add("relu1.zeros", () -> model.zeroShare("re_lu_1"));
        add("relu3.zeros", () -> model.zeroShare("re_lu_3"));
        add("ln2", () -> String.format(Locale.ROOT, "%.4f", Math.log(2)));
        // one layer at a time
        add("conv-example", ConvExample::figure);
        add("conv-example-sum", ConvExample::firstSum);
        add("col2im-counts", ConvExample::reuseFigure);
        add("relu-example", LayerExamples::relu);
        add("pool-example", LayerExamples::poolFigure);
        add("dropout-example", LayerExamples::dropout);
        add("dense-example", LayerExamples::dense);
        add("bce-table", LayerExamples::crossEntropyTable);
        add("adam-example", LayerExamples::adam);
        // the gradient check, as the command prints it
        add("gradcheck-conv", () -> command(new GradcheckCommand(), "conv"));
        add("gradcheck-corrupt", () -> command(new GradcheckCommand(), "conv", "--corrupt"));
    }

    private void add(String name, Supplier<String> figure) {
        if (figures.put(name, figure) != null) throw new IllegalStateException("figure " + name + " defined twice");
    }

    /** Every figure's name, in definition order. */
    public Set<String> names() { return Collections.unmodifiableSet(figures.keySet()); }

    @Override
    public boolean has(String name) { return figures.containsKey(name); }

    /** The figure's text as the guide must show it. */
    @Override
    public synchronized String get(String name) {
        Supplier<String> f = figures.get(name);
        if (f == null) throw new IllegalArgumentException("no figure named '" + name + "'; known: " + figures.keySet());
        return computed.computeIfAbsent(name, n -> f.get());
    }

    /** A teaching command's standard output for {@code args}. */
    static String command(Object command, String... args) {
        StringWriter text = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(text));
        cli.setErr(new PrintWriter(text));
        cli.execute(args);
        return text.toString();
    }
}
