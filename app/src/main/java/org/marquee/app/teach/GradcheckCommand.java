package org.marquee.app.teach;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.marquee.app.cli.CommandLines;
import org.marquee.engine.check.GradientCheck;
import org.marquee.engine.check.GradientCheckResult;
import org.marquee.engine.reference.ReferenceBackend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gradcheck}: compares the backpropagated gradients of one layer (or the small CNN) with
 * central differences in float64 and prints them side by side with their relative errors.
 * Exit code 0 when every entry passes, 1 otherwise.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks a layer's backward pass against central differences on the float64 reference backend.",
                "Prints analytic against numeric gradients with their relative errors, then PASS or FAIL (exit code 0 or 1)."})
public final class GradcheckCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET", defaultValue = "cnn",
            description = "conv, dense, pool, dropout, relu or cnn (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--entries", paramLabel = "N", defaultValue = "4",
            description = "elements checked per tensor, a seeded sample; 0 = all (default: ${DEFAULT-VALUE})")
    int entries;

    @Option(names = "--epsilon", paramLabel = "EPS", defaultValue = "1e-6", description = "finite-difference step (default: ${DEFAULT-VALUE})")
    double epsilon;

    @Option(names = "--tolerance", paramLabel = "REL", defaultValue = "1e-5", description = "largest relative error that passes (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "7", description = "seed of the weights, input and sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--stride", paramLabel = "S", defaultValue = "1", description = "convolution stride, for conv (default: ${DEFAULT-VALUE})")
    int stride;

    @Option(names = "--pad", paramLabel = "P", defaultValue = "0", description = "convolution zero padding, for conv (default: ${DEFAULT-VALUE})")
    int pad;

    @Option(names = "--corrupt", description = "scale the first parameter tensor's analytic gradient by 1.01 (a 1%% bug), to watch the check fail")
    boolean corrupt;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GradcheckCase.Target t = parseTarget(target);
        if (entries < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--entries must be >= 0 (0 = all): " + entries);
        GradientCheck.Options options = new GradientCheck.Options(epsilon, tolerance, 1e-8,
                entries == 0 ? Integer.MAX_VALUE : entries, seed, true);
        GradientCheckResult result;
        try (ReferenceBackend backend = new ReferenceBackend();
             GradcheckCase c = GradcheckCase.of(t, backend, seed, stride, pad)) {
            out.printf(Locale.ROOT, "gradcheck %s: %s%n", t.name().toLowerCase(Locale.ROOT), c.description());
            out.printf(Locale.ROOT, "numeric = (L(x+eps) - L(x-eps)) / 2eps with eps = %.0e; rel.error = |a-n| / (|a|+|n|)%n%n", epsilon);
            GradientCheck.Gradients analytic = GradientCheck.analytic(c.model(), c.input(), c.objective(), options);
            if (corrupt) analytic = corrupted(analytic, out);
            result = GradientCheck.compare(c.model(), c.input(), c.objective(), analytic, options);
        }
        out.print(result.table());
        out.println();
        out.print(result.summary());
        out.println(result.passed() ? "PASS" : "FAIL");
        out.flush();
        return result.passed() ? 0 : 1;
    }

    private GradcheckCase.Target parseTarget(String name) {
        for (GradcheckCase.Target t : GradcheckCase.Target.values()) {
            if (t.name().equalsIgnoreCase(name)) return t;
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "unknown target '" + name + "': expected conv, dense, pool, dropout, relu or cnn");
    }

    /** The analytic gradients with the first parameter tensor (the input when there is none) off by 1%. */
    private static GradientCheck.Gradients corrupted(GradientCheck.Gradients good, PrintWriter out) {
        Map<String, double[]> copy = new LinkedHashMap<>(good.byTensor());
        String name = copy.keySet().stream().filter(k -> !k.equals("input")).findFirst().orElse("input");
        double[] g = copy.get(name).clone();
        for (int i = 0; i < g.length; i++) g[i] *= 1.01;
        copy.put(name, g);
        out.printf(Locale.ROOT, "corrupted: the analytic gradient of %s scaled by 1.01%n%n", name);
        return new GradientCheck.Gradients(copy);
    }

    public static void main(String[] args) {
        CommandLines.main(new GradcheckCommand(), args);
    }
}
