#!/usr/bin/env bash
# Runs on the GPU machine, from the project root, with .gpu/ and gpu-bundle/ carried over. One call
# gathers everything a GPU session needs, each part under its own time limit so one slow part
# cannot eat the rest:
#   1. this project's kernels: ms/step per batch size, and the PyTorch anchor with the ratio;
#   2. a per-kernel profile of one step at batch 128 (kernels per step, device time per kernel);
#   3. the same step on the stock tfjs WebGPU kernels (DTN_STOCK_KERNELS=all), for the A/B;
#   4. a long run whose tensor and byte counts before and after show whether memory stays flat.
# Usage: bash scripts/gpu-bench.sh [batches] [leak-steps]
set -uo pipefail
source .gpu/enter.sh
batches="${1:-64,128,256}"
leak_steps="${2:-1000}"
bench() { node gpu-bundle/bench.js --preset digits --backend webgpu "$@"; }
echo "== 1. project kernels + anchor"
timeout 240 bench --batch "$batches" --steps 20 --warmup 3 --anchor gpu-bundle/torch_dtn_bench.py
echo "== 2. profile"
timeout 90 bench --batch 128 --steps 3 --warmup 2 --profile
echo "== 3. stock kernels"
DTN_STOCK_KERNELS=all timeout 90 bench --batch 128 --steps 5 --warmup 2
echo "== 4. memory over ${leak_steps} steps"
timeout 200 bench --batch 64 --steps "$leak_steps" --warmup 2
