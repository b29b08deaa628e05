#!/usr/bin/env bash
# Runs on the GPU machine, from the project root, with .gpu/ and gpu-bundle/ carried over. One call
# gathers every GPU measurement the project needs, each part under its own time limit so one slow part
# cannot eat the rest:
#   1. the trainer's step as it trains (conv kernels tuned on this GPU, replayed plan): ms/step per
#      batch size, with the PyTorch anchor and the ratio;
#   2. the same kernels stepped through tfjs (no plan), the stock tfjs kernels, the replayed step
#      without Dawn's bounds checks, and without conv tuning (default layouts), for the A/B;
#   3. a per-kernel profile of one step at batch BATCH (dispatches per step, device time per kernel);
#   4. a long run whose tensor and byte counts before and after show whether memory stays flat;
#   5. every distinct convolution of a step at batch BATCH under each GEMM layout and stock, in TFLOP/s.
# Usage: bash scripts/gpu-bench.sh [batches] [leak-steps]
# (PRESET=digits-quick BATCH=4 for a quick try anywhere: BATCH is the batch of parts 2, 3 and 5)
set -uo pipefail
# The GPU machine has no Node: .gpu/enter.sh unpacks it (and the Vulkan loader). Where Node exists
# (a quick try anywhere) nothing is unpacked.
if ! command -v node >/dev/null; then source .gpu/enter.sh; fi
batches="${1:-64,128,256}"
leak_steps="${2:-1000}"
bench=(node gpu-bundle/bench.js --preset "${PRESET:-digits}" --backend webgpu)
echo "== 1. planned step + anchor"
timeout 130 "${bench[@]}" --batch "$batches" --steps 30 --warmup 3 --anchor gpu-bundle/torch_dtn_bench.py
echo "== 2a. project kernels through tfjs (no plan)"
DTN_STOCK_KERNELS=Plan timeout 45 "${bench[@]}" --batch "${BATCH:-128}" --steps 5 --warmup 2
echo "== 2b. stock tfjs kernels"
DTN_STOCK_KERNELS=all timeout 60 "${bench[@]}" --batch "${BATCH:-128}" --steps 5 --warmup 2
echo "== 2c. replayed step with Dawn's robustness checks off"
DTN_DAWN_FLAGS=enable-dawn-features=disable_robustness timeout 45 "${bench[@]}" --batch "${BATCH:-128}" --steps 10 --warmup 2
echo "== 2d. replayed step without conv tuning (default GEMM layouts)"
DTN_CONV_TUNE=0 timeout 40 "${bench[@]}" --batch "${BATCH:-128}" --steps 10 --warmup 2
echo "== 3. profile"
# Some Dawn builds expose timestamp queries (the per-kernel device times) only with unsafe APIs allowed.
DTN_DAWN_FLAGS=enable-dawn-features=allow_unsafe_apis timeout 45 "${bench[@]}" --batch "${BATCH:-128}" --steps 3 --warmup 2 --profile
echo "== 5. convolutions one by one"
timeout 75 "${bench[@]}" --batch "${BATCH:-128}" --steps 2 --warmup 2 --conv
# Last: the longest part, so a slow GPU loses only this one to the time limits (sum: 540 s).
echo "== 4. memory over ${leak_steps} steps"
timeout 90 "${bench[@]}" --batch 64 --steps "$leak_steps" --warmup 2
