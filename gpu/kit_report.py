#!/usr/bin/env python3
"""Gathers a kit run's figures: every JMH result (the *.json files JMH wrote in the results folder)
in jmh-results.csv, and report.txt: each OpenCL figure beside PyTorch's on the same GPU
(torch-anchor.json, TF32 off) and against the targets:

    training step (batch 32)  at most 10 ms       forward (batch 32)  at most 4 ms
    GEMM on conv2's and conv3's batched shapes    at least 20 TFLOP/s
    every figure              within 2x of PyTorch fp32 (TF32 off) in the same run

Work rates follow from the shapes: GEMM 2*M*N*K; a convolution layer 2*N*K*C*9*OH*OW forward,
twice that backward (dW and dx) except conv1 (dW only); the model 30.21 GFLOP forward and 87.90
GFLOP per training step at batch 32 (ModelBenchmark).

    python3 gpu/kit_report.py RESULTS_DIR
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
    "CONV1_FWD_B32": (32, 32 * 49284, 27), "CONV2_FWD_B32": (64, 32 * 11881, 288), "CONV3_FWD_B32": (128, 32 * 2704, 576),
    "CONV1_DW_B32": (32, 27, 32 * 49284), "CONV2_DW_B32": (64, 288, 32 * 11881), "CONV3_DW_B32": (128, 576, 32 * 2704),
    "CONV2_DX_B32": (288, 32 * 11881, 64), "CONV3_DX_B32": (576, 32 * 2704, 128),
}
GEMM_TARGET_SHAPES = {"CONV2_FWD_B32", "CONV3_FWD_B32", "CONV2_DW_B32", "CONV3_DW_B32", "CONV2_DX_B32", "CONV3_DX_B32"}
GEMM_TARGET_TFLOPS = 20.0
MODEL_TARGET_MS = {"forward": 4.0, "trainingStep": 10.0}
TORCH_KEY = {"forward": "forward", "trainingStep": "training_step"}
TORCH_RATIO = 2.0
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


def jmh_rows(folder):
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        if os.path.basename(path) == "torch-anchor.json":
            continue
        try:
            with open(path) as f:
                results = json.load(f)
        except (OSError, ValueError) as e:
            print("skipping %s: %s" % (path, e))
            continue
        if not isinstance(results, list):
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
                "params": " ".join("%s=%s" % kv for kv in sorted(params.items())
                                   if kv[0] not in ("backendName", "device", "threads")),
                "shape": params.get("shape", ""),
                "batch": params.get("batch", ""),
                "score": score, "error": metric.get("scoreError"), "unit": unit,
                "samples": len(metric.get("rawData", [[]])[0]) if metric.get("rawData") else "",
                "ms": seconds * 1e3 if seconds else "",
                "gflops": work / seconds if work and seconds else "",
                "jdk": r.get("jdkVersion", ""),
            })
    return rows


def torch_figures(folder):
    """(header line, fp32 run or None) from torch-anchor.json."""
    path = os.path.join(folder, "torch-anchor.json")
    if not os.path.exists(path):
        return "PyTorch anchor: not run", None
    with open(path) as f:
        t = json.load(f)
    if t.get("status") != "ok" or not t.get("runs"):
        return "PyTorch anchor: %s (%s)" % (t.get("status"), t.get("reason", "")), None
    fp32 = next((r for r in t["runs"] if not r["tf32"]), None)
    head = "PyTorch %s on %s, batch %s (median ms): %s" % (t.get("torch"), t.get("device"), t.get("batch"), "; ".join(
        "%s forward %.3f, training step %.3f" % ("TF32" if run["tf32"] else "fp32", run["forward"]["median_ms"],
                                                  run["training_step"]["median_ms"]) for run in t["runs"]))
    return head, fp32


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    folder = sys.argv[1]
    rows = jmh_rows(folder)
    fields = ["run", "benchmark", "backend", "device", "params", "shape", "batch", "score", "error", "unit", "samples",
              "ms", "gflops", "jdk"]
    with open(os.path.join(folder, "jmh-results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)

    head, fp32 = torch_figures(folder)
    torch_gemm = {g["shape"]: g for g in fp32["gemm"]} if fp32 else {}
    lines = [head, ""]
    lines.append("%-30s %-26s %12s %11s %12s %8s  %s" % ("benchmark", "params", "opencl ms", "TFLOP/s", "PyTorch ms", "ratio",
                                                           "target"))
    verdicts = []
    for r in sorted(rows, key=lambda r: (r["benchmark"], r["params"])):
        if r["backend"] not in ("opencl", ""):
            continue
        method = r["benchmark"].rsplit(".", 1)[-1]
        torch_ms, target = None, ""
        tflops = r["gflops"] / 1e3 if r["gflops"] else None
        if r["benchmark"].startswith("ModelBenchmark") and method in MODEL_TARGET_MS and r["ms"] != "":
            full = str(r["batch"]) == "32"
            if fp32 and full:
                torch_ms = fp32[TORCH_KEY[method]]["median_ms"]
            if full:
                ok = r["ms"] <= MODEL_TARGET_MS[method]
                target = "%s: at most %g ms" % ("met" if ok else "MISSED", MODEL_TARGET_MS[method])
                verdicts.append((method, ok))
        elif r["benchmark"].startswith("GemmBenchmark") and r["ms"] != "":
            g = torch_gemm.get(r["shape"])
            if g:
                torch_ms = g["median_ms"]
            if r["shape"] in GEMM_TARGET_SHAPES:
                ok = tflops is not None and tflops >= GEMM_TARGET_TFLOPS
                target = "%s: at least %g TFLOP/s" % ("met" if ok else "MISSED", GEMM_TARGET_TFLOPS)
                verdicts.append((r["shape"], ok))
        ratio = ""
        if torch_ms and r["ms"] != "":
            q = r["ms"] / torch_ms
            ok = q <= TORCH_RATIO
            ratio = "%.2fx" % q
            target = (target + "; " if target else "") + "%s: within %gx of PyTorch" % ("met" if ok else "MISSED", TORCH_RATIO)
            verdicts.append(("%s vs PyTorch" % (r["shape"] or method), ok))
        lines.append("%-30s %-26s %12s %11s %12s %8s  %s" % (
            r["benchmark"][:30], r["params"][:26], "%.3f" % r["ms"] if r["ms"] != "" else "-",
            "%.2f" % tflops if tflops else "-", "%.3f" % torch_ms if torch_ms else "-", ratio, target))
    if fp32:
        lines.append("")
        lines.append("PyTorch fp32 (TF32 off) GEMMs: " + "; ".join(
            "%s %.1f us %.1f TFLOP/s" % (g["shape"], g["us"], g["tflops"]) for g in fp32["gemm"]))
    lines.append("")
    met = sum(1 for _, ok in verdicts if ok)
    lines.append("targets: %d of %d met%s" % (met, len(verdicts), "" if verdicts else " (no full-size figures in this run)"))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(folder, "report.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    print("wrote %s and %s (%d JMH results)" % (os.path.join(folder, "jmh-results.csv"), os.path.join(folder, "report.txt"), len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
