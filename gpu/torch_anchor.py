#!/usr/bin/env python3
"""The poster model in PyTorch on the same GPU: the anchor for Marquee's OpenCL figures.

Same model, batch, loss and optimizer as bench's ModelBenchmark: input (32, 3, 224, 224),
Conv2d(3,32,3) ReLU MaxPool2d(2) Dropout(0.25), Conv2d(32,64,3) ReLU MaxPool2d(2) Dropout(0.25),
Conv2d(64,128,3) ReLU MaxPool2d(2) Dropout(0.25), Flatten (86,528), Linear(86528,128) ReLU
Dropout(0.5), Linear(128,27); 11,172,443 parameters; BCEWithLogitsLoss; Adam (Keras defaults:
lr 1e-3, betas 0.9/0.999, eps 1e-7).

Times, each op followed by torch.cuda.synchronize(), warm-up then the median of N:
  forward        model.eval(), torch.no_grad(), logits of one batch
  training step  model.train(), zero_grad, forward, loss, backward, Adam step
  GEMM           torch.matmul on the batched shapes of bench's GemmShape (operands already on the GPU)
first in strict fp32 (TF32 off for matmul and cuDNN), then with TF32 on.

    python3 gpu/torch_anchor.py --out OUT_DIR [--warmup 10] [--iters 50]
    python3 gpu/torch_anchor.py --out /tmp/t --device cpu --warmup 1 --iters 2 --gemm-iters 2   (a check without a GPU)

Writes OUT_DIR/torch-anchor.json and prints a table. Without torch or CUDA it writes the reason
to the same file and exits with status 3.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

UNAVAILABLE = 3
PARAMETERS = 11_172_443

# bench/src/main/java/org/marquee/bench/GemmShape.java: (name, transA, transB, M, N, K);
# C (M, N) = op(A) op(B) with A stored (M, K), or (K, M) when transA; B (K, N), or (N, K) when transB.
# The convolutions as the OpenCL GPU family runs them, the whole batch of 32 in one GEMM (N, or K
# for the weight gradient, = 32 x positions): the shapes the GPU targets name. Dense1 per batch.
GEMM_SHAPES = [
    ("CONV2_FWD_B32", False, False, 64, 32 * 11881, 288),
    ("CONV3_FWD_B32", False, False, 128, 32 * 2704, 576),
    ("CONV2_DW_B32", False, True, 64, 288, 32 * 11881),
    ("CONV3_DW_B32", False, True, 128, 576, 32 * 2704),
    ("CONV2_DX_B32", True, False, 288, 32 * 11881, 64),
    ("CONV3_DX_B32", True, False, 576, 32 * 2704, 128),
    ("CONV1_FWD_B32", False, False, 32, 32 * 49284, 27),
    ("DENSE1_FWD", False, False, 32, 128, 86528),
    ("DENSE1_DW", True, False, 86528, 128, 32),
    ("DENSE1_DX", False, True, 32, 86528, 128),
]

# ModelBenchmark's javadoc (the performance anchors): floating-point work at batch 32.
FORWARD_GFLOP = 30.21
TRAINING_STEP_GFLOP = 87.90


def write(out_dir, result):
    path = os.path.join(out_dir, "torch-anchor.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    return path


def unavailable(out_dir, result, reason):
    result["status"] = "unavailable"
    result["reason"] = reason
    path = write(out_dir, result)
    print("torch anchor: not run: " + reason)
    print("wrote " + path)
    return UNAVAILABLE


def build_model(nn):
    return nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(),
        nn.Linear(86528, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 27),
    )


def synchronize(torch):
    if torch.cuda.is_initialized():
        torch.cuda.synchronize()


def timed(torch, fn, warmup, iters):
    """Milliseconds of fn() per call, each call followed by a CUDA synchronize: median, min, max."""
    for _ in range(warmup):
        fn()
    synchronize(torch)
    samples = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        synchronize(torch)
        samples.append((time.perf_counter() - t0) * 1e3)
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples), "samples": iters}


def set_tf32(torch, on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on


def model_figures(torch, nn, device, batch, warmup, iters):
    torch.manual_seed(7)
    model = build_model(nn).to(device)
    count = sum(p.numel() for p in model.parameters())
    assert count == PARAMETERS, "the model has %d parameters, expected %d" % (count, PARAMETERS)
    images = torch.rand(batch, 3, 224, 224, device=device)
    targets = (torch.rand(batch, 27, device=device) < 0.2).float()
    loss_fn = nn.BCEWithLogitsLoss()
    adam = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    def forward():
        with torch.no_grad():
            return model(images)

    def training_step():
        adam.zero_grad(set_to_none=True)
        loss = loss_fn(model(images), targets)
        loss.backward()
        adam.step()
        return loss

    model.eval()
    fwd = timed(torch, forward, warmup, iters)
    model.train()
    step = timed(torch, training_step, warmup, iters)
    scale = batch / 32                                          # GFLOP per ms = TFLOP/s
    fwd["tflops"] = FORWARD_GFLOP * scale / fwd["median_ms"]
    step["tflops"] = TRAINING_STEP_GFLOP * scale / step["median_ms"]
    del model, adam, images, targets
    torch.cuda.empty_cache()
    return {"parameters": count, "forward": fwd, "training_step": step}


def gemm_figures(torch, device, warmup, iters, names):
    rows = []
    g = torch.Generator(device=device)
    g.manual_seed(1)
    for name, ta, tb, m, n, k in GEMM_SHAPES:
        if names and name not in names:
            continue
        a = torch.rand((k, m) if ta else (m, k), device=device, generator=g) * 2 - 1
        b = torch.rand((n, k) if tb else (k, n), device=device, generator=g) * 2 - 1
        opa = a.t() if ta else a
        opb = b.t() if tb else b
        c = torch.empty(m, n, device=device)
        t = timed(torch, lambda: torch.matmul(opa, opb, out=c), warmup, iters)
        t["us"] = t["median_ms"] * 1e3
        t["tflops"] = 2.0 * m * n * k / (t["median_ms"] * 1e-3) / 1e12
        rows.append(dict(shape=name, transA=ta, transB=tb, m=m, n=n, k=k, **t))
        del a, b, c
    torch.cuda.empty_cache()
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=".", help="folder for torch-anchor.json (default: .)")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--warmup", type=int, default=10, help="untimed model iterations first (default 10)")
    p.add_argument("--iters", type=int, default=50, help="timed model iterations, median reported (default 50)")
    p.add_argument("--gemm-warmup", type=int, default=5)
    p.add_argument("--gemm-iters", type=int, default=30)
    p.add_argument("--device", default="cuda",
                   help="cuda (default); cpu only checks this script where there is no GPU (TF32 flags do nothing there)")
    p.add_argument("--no-cudnn-benchmark", action="store_true",
                   help="leave torch.backends.cudnn.benchmark off (default: on, cuDNN picks its fastest algorithms)")
    p.add_argument("--shapes", default="",
                   help="comma-separated GEMM shapes to time (default: all of GEMM_SHAPES)")
    args = p.parse_args()
    known = [s[0] for s in GEMM_SHAPES]
    shapes = [s for s in args.shapes.split(",") if s]
    for s in shapes:
        if s not in known:
            p.error("unknown GEMM shape %r; known: %s" % (s, ", ".join(known)))
    os.makedirs(args.out, exist_ok=True)
    result = {"script": "gpu/torch_anchor.py", "python": sys.version.split()[0], "host": platform.node(),
              "batch": args.batch, "warmup": args.warmup, "iters": args.iters,
              "gemm_warmup": args.gemm_warmup, "gemm_iters": args.gemm_iters}

    try:
        import torch
        from torch import nn
    except Exception as e:  # ImportError, or a broken install raising something else
        return unavailable(args.out, result, "cannot import torch: %r" % (e,))
    result["torch"] = torch.__version__
    result["torch_cuda"] = torch.version.cuda
    if args.device == "cuda" and not torch.cuda.is_available():
        return unavailable(args.out, result, "torch %s is installed but CUDA is not available (torch.version.cuda=%s)"
                           % (torch.__version__, torch.version.cuda))

    device = torch.device(args.device)
    torch.backends.cudnn.benchmark = not args.no_cudnn_benchmark
    if device.type == "cuda":
        result.update(device=torch.cuda.get_device_name(device),
                      capability=".".join(map(str, torch.cuda.get_device_capability(device))))
    else:
        result.update(device="cpu (%d threads): a check of this script, not an anchor" % torch.get_num_threads())
    result.update(status="ok", cudnn=torch.backends.cudnn.version(), cudnn_benchmark=torch.backends.cudnn.benchmark,
                  runs=[])
    try:
        for tf32 in (False, True):
            set_tf32(torch, tf32)
            t0 = time.perf_counter()
            run = {"tf32": tf32,
                   "matmul_allow_tf32": torch.backends.cuda.matmul.allow_tf32,
                   "cudnn_allow_tf32": torch.backends.cudnn.allow_tf32}
            run.update(model_figures(torch, nn, device, args.batch, args.warmup, args.iters))
            run["gemm"] = gemm_figures(torch, device, args.gemm_warmup, args.gemm_iters, shapes)
            run["seconds"] = time.perf_counter() - t0
            result["runs"].append(run)
            write(args.out, result)
    except Exception as e:
        result["status"] = "failed"
        result["reason"] = repr(e)
        write(args.out, result)
        raise

    print("PyTorch %s, CUDA %s, cuDNN %s, %s, batch %d, median of %d after %d warm-up (cudnn.benchmark=%s)"
          % (result["torch"], result["torch_cuda"], result["cudnn"], result["device"], args.batch, args.iters,
             args.warmup, result["cudnn_benchmark"]))
    print("%-22s %14s %14s" % ("", "fp32 (TF32 off)", "TF32 on"))
    fp32, tf32 = result["runs"]
    for key, label in (("forward", "forward"), ("training_step", "training step")):
        print("%-22s %11.3f ms %11.3f ms" % (label, fp32[key]["median_ms"], tf32[key]["median_ms"]))
    print("%-22s %14s %14s" % ("GEMM (median)", "us | TFLOP/s", "us | TFLOP/s"))
    for a, b in zip(fp32["gemm"], tf32["gemm"]):
        print("%-22s %7.1f | %5.2f %7.1f | %5.2f" % (a["shape"], a["us"], a["tflops"], b["us"], b["tflops"]))
    print("wrote " + os.path.join(args.out, "torch-anchor.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
