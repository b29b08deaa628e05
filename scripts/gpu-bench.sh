#!/usr/bin/env bash
# Runs on the GPU machine, from the project root, with .gpu/ and gpu-bundle/ carried over:
# the project's DTN step on WebGPU and the PyTorch anchor in one call, then the ratio.
set -euo pipefail
source .gpu/enter.sh
batches="${1:-64,128}"
node gpu-bundle/bench.js --preset digits --backend webgpu --batch "$batches" --steps 20 --warmup 3 --anchor gpu-bundle/torch_dtn_bench.py
