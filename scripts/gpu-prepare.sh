#!/usr/bin/env bash
# Here, before a run on a GPU machine that has no Node (see README, "Benchmarks"): .gpu/ with Node
# and the Vulkan loader (the shared preparation script), and gpu-bundle/ with the bench, Dawn and
# the PyTorch anchor. Then run `bash scripts/gpu-bench.sh` there, carrying .gpu and gpu-bundle.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
prepare="${DTN_GPU_PREPARE:-../shared/gpu/prepare.sh}"
[ -f "$prepare" ] || { echo "no $prepare: set DTN_GPU_PREPARE to the GPU machine's preparation script" >&2; exit 1; }
bash "$prepare"
node scripts/gpu-bundle.mjs
du -sh .gpu gpu-bundle
