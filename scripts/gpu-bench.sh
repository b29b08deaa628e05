#!/usr/bin/env bash
# Runs on the GPU machine, from the project root, with .gpu/ and gpu-bundle/ carried over. One call
# gathers every GPU measurement the project needs, each part under its own time limit (and saying so
# when one cuts it short) so one slow part cannot eat the rest:
#   1. the trainer's step as it trains (conv kernels tuned on this GPU, replayed plan): ms/step at
#      batch 128 first (the measure), then the other batch sizes, each with the PyTorch
#      anchor and the ratio;
#   2. the same kernels stepped through tfjs (no plan), the stock tfjs kernels, the replayed step
#      without Dawn's bounds checks, and without conv tuning (default layouts), for the A/B;
#   3. a per-kernel profile of one step at batch BATCH (dispatches per step, device time per kernel);
#   5. every distinct convolution of a step at batch BATCH under each GEMM layout and stock, in TFLOP/s;
#   4. a long run whose tensor and byte counts before and after show whether memory stays flat.
# Parts that do not compare kernels skip tuning (DTN_CONV_TUNE=0): it compiles a shader per
# candidate, seconds that would come out of the other parts' limits.
# Usage: bash scripts/gpu-bench.sh [other-batches] [leak-steps]
# (PRESET=digits-quick BATCH=4 for a quick try anywhere: BATCH is the batch of parts 1a, 2, 3 and 5)
set -uo pipefail
# The GPU machine has no Node: .gpu/enter.sh unpacks it (and the Vulkan loader). Where Node exists
# (a quick try anywhere) nothing is unpacked.
if ! command -v node >/dev/null; then source .gpu/enter.sh; fi
others="${1:-64,256}"
leak_steps="${2:-1000}"
b="${BATCH:-128}"
bench=(node gpu-bundle/bench.js --preset "${PRESET:-digits}" --backend webgpu)
anchor=(--anchor gpu-bundle/torch_dtn_bench.py)
# Runs a part under its time limit (seconds, first argument) and says so when the limit cut it short.
limit() {
  local s="$1"; shift
  timeout "$s" "$@"
  local rc=$?
  if [ "$rc" = 124 ]; then echo "(stopped at this part's limit of ${s} s)"; fi
  return 0
}
echo "== 1a. the step as it trains, batch $b, + anchor"
limit 100 "${bench[@]}" --batch "$b" --steps 30 --warmup 3 "${anchor[@]}"
echo "== 1b. the step as it trains, batches $others, + anchor"
limit 100 "${bench[@]}" --batch "$others" --steps 30 --warmup 3 "${anchor[@]}"
echo "== 2a. project kernels through tfjs (no plan)"
DTN_STOCK_KERNELS=Plan limit 35 "${bench[@]}" --batch "$b" --steps 5 --warmup 2
echo "== 2b. stock tfjs kernels"
DTN_STOCK_KERNELS=all limit 45 "${bench[@]}" --batch "$b" --steps 5 --warmup 2
echo "== 2c. replayed step with Dawn's robustness checks off"
DTN_DAWN_FLAGS=enable-dawn-features=disable_robustness limit 35 "${bench[@]}" --batch "$b" --steps 10 --warmup 2
echo "== 2d. replayed step without conv tuning (default GEMM layouts)"
DTN_CONV_TUNE=0 limit 25 "${bench[@]}" --batch "$b" --steps 10 --warmup 2
echo "== 3. profile"
# Some Dawn builds expose timestamp queries (the per-kernel device times) only with unsafe APIs allowed.
DTN_CONV_TUNE=0 DTN_DAWN_FLAGS=enable-dawn-features=allow_unsafe_apis limit 30 "${bench[@]}" --batch "$b" --steps 3 --warmup 2 --profile
echo "== 5. convolutions one by one"
DTN_CONV_TUNE=0 limit 60 "${bench[@]}" --batch "$b" --steps 2 --warmup 2 --conv
# Last: the longest part, so a slow GPU loses only this one to the time limits (sum: 520 s).
echo "== 4. memory over ${leak_steps} steps"
DTN_CONV_TUNE=0 limit 90 "${bench[@]}" --batch 64 --steps "$leak_steps" --warmup 2
