#!/usr/bin/env python3
"""Gathers a kit run's figures: every JMH result (OUT/jmh-*.json) in OUT/jmh-results.csv, and one
table of cpu against opencl (and PyTorch, from OUT/torch-anchor.json) printed and written to
OUT/results.txt. Work rates are computed from the shapes: GEMM 2*M*N*K; a convolution layer
2*N*K*C*9*OH*OW forward, twice that backward (dW and dx) except conv1 (dW only); the model
30.21 GFLOP forward and 87.90 GFLOP per training step at batch 32 (ModelBenchmark).

    python3 gpu/kit_report.py OUT_DIR
"""

import csv
import glob
import json
import os
import sys

GEMM = {  # GemmShape: M, N, K
    "CONV1_FWD": (32, 49284, 27), "CONV2_FWD": (64, 11881, 288), "CONV3_FWD": (128, 2704, 576),
    "CONV1_DW": (32, 27, 49284), "CONV2_DW": (64, 288, 11881), "CONV3_DW": (128, 576, 2704),
    "CONV2_DX": (288, 11881, 64), "CONV3_DX": (576, 2704, 128),
    "DENSE1_FWD": (32, 128, 86528), "DENSE1_DW": (86528, 128, 32), "DENSE1_DX": (32, 86528, 128),
}
CONV = {1: (3, 32, 222), 2: (32, 64, 109), 3: (64, 128, 52)}   # layer: C, K, output side
MODEL_GFLOP_32 = {"forward": 30.21, "trainingStep": 87.90}
TO_SECONDS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}


def gflop(bench, params):
    name = bench.rsplit(".", 2)
    cls, method = name[-2], name[-1]
    if cls == "GemmBenchmark" and params.get("shape") in GEMM:
        m, n, k = GEMM[params["shape"]]
        return 2.0 * m * n * k / 1e9
    if cls == "ConvLayerBenchmark":
        layer, batch = int(params.get("layer", 0)), int(params.get("batch", 32))
        if layer in CONV:
            c, k, side = CONV[layer]
            fwd = 2.0 * batch * k * c * 9 * side * side / 1e9
            return fwd if method == "forward" or layer == 1 else 2 * fwd
    if cls == "ModelBenchmark" and method in MODEL_GFLOP_32:
        return MODEL_GFLOP_32[method] * int(params.get("batch", 32)) / 32
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    rows = []
    for path in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
        try:
            with open(path) as f:
                results = json.load(f)
        except (OSError, ValueError) as e:
            print("skipping %s: %s" % (path, e))
            continue
        for r in results:
            params = r.get("params", {})
            metric = r["primaryMetric"]
            score, unit = metric["score"], metric["scoreUnit"]
            work = gflop(r["benchmark"], params)
            seconds = score * TO_SECONDS[unit] if unit in TO_SECONDS else None
            rows.append({
                "run": os.path.basename(path)[:-5],
                "benchmark": r["benchmark"].replace("org.marquee.bench.", ""),
                "backend": params.get("backendName", ""),
                "device": params.get("device", ""),
                "params": " ".join("%s=%s" % kv for kv in sorted(params.items()) if kv[0] not in ("backendName", "device")),
                "score": score, "error": metric.get("scoreError"), "unit": unit,
                "samples": len(metric.get("rawData", [[]])[0]) if metric.get("rawData") else "",
                "gflops": work / seconds if work and seconds else "",
                "jdk": r.get("jdkVersion", ""),
            })
    fields = ["run", "benchmark", "backend", "device", "params", "score", "error", "unit", "samples", "gflops", "jdk"]
    with open(os.path.join(out, "jmh-results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)

    lines = []
    by_key = {}
    for r in rows:
        by_key.setdefault((r["benchmark"], r["params"]), {})[r["backend"]] = r
    lines.append("%-34s %-28s %20s %20s %8s" % ("benchmark", "params", "cpu", "opencl", "cpu/ocl"))

    def cell(r):
        if not r:
            return "-"
        rate = " %.0f GF/s" % r["gflops"] if r["gflops"] else ""
        score = "%.0f" % r["score"] if r["score"] >= 1000 else "%.4g" % r["score"]
        return "%s %s%s" % (score, r["unit"].replace("/op", ""), rate)

    for (bench, params), pair in sorted(by_key.items()):
        cpu, ocl = pair.get("cpu"), pair.get("opencl")
        ratio = "%.2fx" % (cpu["score"] / ocl["score"]) if cpu and ocl and cpu["unit"] == ocl["unit"] and ocl["score"] else ""
        lines.append("%-34s %-28s %20s %20s %8s" % (bench, params[:28], cell(cpu), cell(ocl), ratio))

    torch_path = os.path.join(out, "torch-anchor.json")
    if os.path.exists(torch_path):
        with open(torch_path) as f:
            t = json.load(f)
        if t.get("status") == "ok" and t.get("runs"):
            lines.append("")
            lines.append("PyTorch %s on %s, batch %s (median ms): %s" % (t.get("torch"), t.get("device"), t.get("batch"), "; ".join(
                "%s forward %.3f, training step %.3f" % ("TF32" if run["tf32"] else "fp32", run["forward"]["median_ms"],
                                                          run["training_step"]["median_ms"]) for run in t["runs"])))
        else:
            lines.append("")
            lines.append("PyTorch anchor: %s (%s)" % (t.get("status"), t.get("reason", "")))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "results.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    print("wrote %s and %s (%d JMH results)" % (os.path.join(out, "jmh-results.csv"), os.path.join(out, "results.txt"), len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
