#!/usr/bin/env bash
# Run the fuzz targets (cargo-fuzz / libFuzzer) for a bounded time each.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, all targets)
# Seeds come from fixtures/ and the fuzz regressions; new crashes land in
# fuzz/artifacts/<target>/ — add each as a file under tests/data/fuzz-regressions/.
# The seed is fixed (FUZZ_SEED, default 1), so that a run on the same code explores the same
# inputs and a red CI run can be replayed; FUZZ_SEED=0 picks a random seed (libFuzzer's
# default) for exploring. Longer runs on all cores: see the README (Robustness).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); runs on the stable toolchain without a
# sanitizer (`-s none`), as the machine has no nightly toolchain.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
seed=${FUZZ_SEED:-1}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(lint fix_roundtrip)
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  find ../fixtures ../tests/data/fuzz-regressions -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name 'crash-*' \) \
    -exec sh -c 'for f; do cp "$f" "corpus/'"$t"'/$(sha1sum "$f" | cut -c1-16)"; done' _ {} +
  echo "=== fuzz $t for ${seconds}s, seed $seed"
  cargo fuzz run -s none "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=16384 -seed="$seed" \
    -print_final_stats=1 2>&1 \
    | grep -E "^(Done|INFO: Seed|stat::number_of_executed_units|==|thread|panicked)" || true
  if ls "artifacts/$t"/crash-* >/dev/null 2>&1; then
    echo "fuzz: $t found crashes:"; ls "artifacts/$t"/
    exit 1
  fi
done
echo "fuzz: no crash"
