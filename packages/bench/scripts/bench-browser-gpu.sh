#!/usr/bin/env bash
# bench:browser on a machine with a real GPU: headless Chromium with hardware rendering flags (no SwiftShader), the
# renderer it got printed first, rows labelled by where they ran, results in packages/bench/bench-results/browser-gpu.*.
# Usage (from anywhere in the repository, after `pnpm install && pnpm build`):
#   bash packages/bench/scripts/bench-browser-gpu.sh [extra bench:browser options, e.g. --angle vulkan]
# The browser: $SEQLAB_BROWSER if set, else the first of google-chrome-stable, google-chrome, chromium,
# chromium-browser on PATH (a desktop build: @sparticuz/chromium, the test fallback, is built for servers without GPUs).
# Exit status: 0 with GPU rows; 3 when the renderer was a software rasterizer or there was no WebGL (the rows are
# written, labelled "software rendering", and are not GPU rows); 1 on any other failure; 124 past the 5-minute limit.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${SEQLAB_BROWSER:-}" ]; then
  for candidate in google-chrome-stable google-chrome chromium chromium-browser; do
    if command -v "$candidate" > /dev/null 2>&1; then
      SEQLAB_BROWSER="$(command -v "$candidate")"
      break
    fi
  done
fi
if [ -n "${SEQLAB_BROWSER:-}" ]; then
  export SEQLAB_BROWSER
  echo "browser: $SEQLAB_BROWSER" >&2
else
  echo "browser: none of google-chrome-stable, google-chrome, chromium, chromium-browser on PATH; falling back to @sparticuz/chromium (expect no hardware GPU)" >&2
fi

# The issue's run (matmul 256/512/1024 in three layouts, the bench:kernels training shapes), with per-contender
# budgets that keep a GPU machine well inside 5 minutes; `timeout` enforces the limit whatever happens.
timeout 300 pnpm --silent bench:browser --gpu --budget 10 --runs 5 "$@"
