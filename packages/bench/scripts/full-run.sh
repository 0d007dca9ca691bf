#!/usr/bin/env bash
# The run behind docs/experiments: every experiment at full size on the default backend (wasm), then the claims
# judged on those results and the report's README generated from the JSON files. Usage (from the repository root,
# after `pnpm build`): bash packages/bench/scripts/full-run.sh [OUT]
# Set SEQLAB_QUICK="charlm ..." to run the named experiments at quick size instead (when time is short).
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="${1:-docs/experiments}"
backend="${SEQLAB_BACKEND:-wasm}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# Learning experiments first (their numbers do not depend on machine load), timing experiments last.
for name in copy adding bottleneck attention-map charlm gradients memory speed; do
  size=full
  case " ${SEQLAB_QUICK:-} " in *" $name "*) size=quick ;; esac
  echo "== $name ($size, $backend) $(date -u +%FT%TZ)"
  # --expose-gc lets the memory experiment force a collection before each measured step.
  node --expose-gc apps/cli/dist/bin.js experiment "$name" --size "$size" --out "$out" --seed 0 --backend "$backend" > "$out/$name.log" 2>&1 || echo "$name failed (see $out/$name.log)"
done
echo "== claims (reusing the results above) and README $(date -u +%FT%TZ)"
(cd packages/bench && node --input-type=module -e "
  const { claimsExperiment, writeReportReadme } = await import('@seqlab/bench');
  const { result } = await claimsExperiment.run({ outDir: '$out', reuse: true, seed: 0, backend: '$backend' });
  console.log(result.measurements.claims.map((c) => c.id + ': ' + c.verdict).join('\n'));
  console.log('wrote ' + writeReportReadme('$out'));
") > "$out/claims.log" 2>&1 || echo "claims failed (see $out/claims.log)"
echo "== done $(date -u +%FT%TZ)"
