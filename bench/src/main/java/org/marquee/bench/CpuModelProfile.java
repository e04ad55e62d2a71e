package org.marquee.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.marquee.app.PosterModel;
import org.marquee.engine.AdamConfig;
import org.marquee.engine.Tensor;
import org.marquee.engine.cpu.CpuBackend;
import org.marquee.engine.cpu.CpuOptions;
import org.marquee.engine.nn.Adam;
import org.marquee.engine.nn.Loss;
import org.marquee.engine.nn.Sequential;

/**
 * CPU time per backend primitive and shape in the poster model's training step at batch 32,
 * summed over {@code repeats} steps after {@code warmups} unrecorded ones and printed as
 * milliseconds per step, largest first; with {@code forward} as fourth argument, the inference
 * forward pass alone. Usage: {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar
 * org.marquee.bench.CpuModelProfile [threads] [warmups] [repeats] [step|forward]}.
 */
public final class CpuModelProfile {
    private CpuModelProfile() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        boolean forwardOnly = args.length > 3 && args[3].equals("forward");
        int batch = 32;
        try (CpuBackend cpu = new CpuBackend(CpuOptions.fromProperties(System.getProperties()).withThreads(threads))) {
            ProfilingBackend backend = new ProfilingBackend(cpu);
            Sequential model = PosterModelBench.posterModel(backend);
            Adam adam = new Adam(backend, AdamConfig.keras(), model.parameterCount());
            Tensor[] data = PosterModelBench.imagesAndTargets(backend, batch);
            Tensor images = data[0], targets = data[1];
            Tensor grad = backend.allocate(batch, PosterModel.GENRES);
            long total = 0, wallTotal = 0;
            for (int s = 0; s < warmups + repeats; s++) {
                if (s == warmups) backend.reset();
                long c0 = CpuTime.nanos(), w0 = System.nanoTime();
                if (forwardOnly) {
                    model.forward(images, false);
                } else {
                    model.setStep(model.step() + 1);
                    model.zeroGradients();
                    Tensor logits = model.forward(images, true);
                    Loss.sigmoidCrossEntropy(backend, logits, targets, grad);
                    model.backward(grad);
                    adam.step(model.parameters(), model.gradients());
                }
                if (s >= warmups) {
                    total += CpuTime.nanos() - c0;
                    wallTotal += System.nanoTime() - w0;
                }
            }
            List<Map.Entry<String, long[]>> rows = new ArrayList<>(backend.totals().entrySet());
            rows.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
            double perStep = total / 1e6 / threads / repeats;
            System.out.printf((forwardOnly ? "forward" : "training step") + ": %.1f ms CPU time / %d threads per step%n", perStep, threads);
            double sum = 0;
            double wallSum = 0;
            System.out.println("  cpu/thr   share      wall  calls  primitive");
            for (Map.Entry<String, long[]> e : rows) {
                double ms = e.getValue()[0] / 1e6 / threads / repeats, wall = e.getValue()[2] / 1e6 / repeats;
                sum += ms;
                wallSum += wall;
                System.out.printf("%8.1f ms %5.1f%% %6.1f ms %5d  %s%n", ms, 100 * ms / perStep, wall, e.getValue()[1] / repeats, e.getKey());
            }
            System.out.printf("%8.1f ms in primitives (wall %.1f ms); step wall %.1f ms%n", sum, wallSum, wallTotal / 1e6 / repeats);
            adam.close();
            model.close();
        }
    }
}
