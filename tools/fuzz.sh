#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for a
# bounded time. A crash, leak or sanitizer report fails the script; the input that caused it is
# kept in build-fuzz/crashes/ (rerun: build-fuzz/tests/fuzz/<target> <file>).
#   tools/fuzz.sh [seconds per target, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
PER_TARGET=${1:-60}
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFEDFLOW_BUILD_FUZZ=ON -DFEDFLOW_BUILD_TESTS=OFF -DFEDFLOW_WERROR=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target request_fuzzer dsl_fuzzer

crashes="$BUILD_DIR/crashes"
mkdir -p "$crashes"

# Seeds for the DSL target: the example jobs (first byte 0 = 1.x DSL + conf, 1 = 2.x DAG).
dsl_corpus="$BUILD_DIR/corpus/dsl"
rm -rf "$dsl_corpus" && mkdir -p "$dsl_corpus"
v1=examples/fate/v1-dsl
for pair in hetero_lr_normal homo_lr_train; do
  { printf '\000'; cat "$v1/${pair}_dsl.json"; printf '\n----\n'; cat "$v1/${pair}_conf.json"; } > "$dsl_corpus/$pair"
done
{ printf '\000'; cat "$v1/test_intersect_job_dsl.json"; printf '\n----\n'; cat "$v1/test_intersect_job_rsa_conf.json"; } \
  > "$dsl_corpus/intersect"
{ printf '\001'; cat examples/fate/v2-dag/train_lr.yaml; } > "$dsl_corpus/train_lr"

# Seeds for the request target are written by the target itself (signed with its run's key).
request_corpus="$BUILD_DIR/corpus/request"
rm -rf "$request_corpus" && mkdir -p "$request_corpus"

run() {
  local target=$1 corpus=$2
  echo "fuzz.sh: $target for ${PER_TARGET}s"
  FEDFLOW_FUZZ_SEED_DIR="$request_corpus" "$BUILD_DIR/tests/fuzz/$target" "$corpus" \
    -max_total_time="$PER_TARGET" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/$target-" -print_final_stats=1 2>&1 | tail -n 25
  return "${PIPESTATUS[0]}"
}
run request_fuzzer "$request_corpus"
run dsl_fuzzer "$dsl_corpus"
echo "fuzz.sh: no crashes"
