#!/usr/bin/env bash
# Whole-process benchmarks at 1k/10k/100k datasets (inputs generated in a temp dir, removed
# afterwards; every run bounded in time and memory). Not part of CI.
#   bash benchmarks/run_all.sh          # the whole-process table (about 10 minutes)
#   bash benchmarks/run_all.sh --all    # also the in-process simulation and probe benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }
# What users run: the console script of a regular install (`pip install .`, compiled to
# bytecode, no editable-install finder) in a venv of its own, removed at the end.
venv=$(mktemp -d /tmp/drcheck-bench-venv.XXXXXX)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check . >/dev/null
exe="$venv/bin/drcheck"
python3 benchmarks/whole_process.py --drcheck "$exe" --datasets 1000 10000 100000 --repeat 3 \
  --formats --timeout 300
# S3 latency: SeaweedFS behind a 30 ms loopback relay, side by side with Cloud Custodian
# (installed in its own venv: python3 -m venv /tmp/c7n-venv && /tmp/c7n-venv/bin/pip install c7n;
# without it only drcheck is timed).
if [ -x /tmp/c7n-venv/bin/custodian ]; then
  python3 benchmarks/s3_bench.py --drcheck "$exe" --buckets 1000 --latency-ms 30 --runs 3
else
  python3 benchmarks/s3_bench.py --drcheck "$exe" --buckets 1000 --latency-ms 30 --runs 3 \
    --skip-c7n
fi
if [ "${1:-}" = "--all" ]; then
  python3 benchmarks/simulate_bench.py --datasets 10000 100000
  python3 benchmarks/ssh_bench.py --targets 200
fi
