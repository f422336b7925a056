#!/usr/bin/env bash
# Whole-process benchmarks at 1k/10k/100k datasets (inputs generated in a temp dir, removed
# afterwards; every run bounded in time and memory). Not part of CI.
#   bash benchmarks/run_all.sh          # the whole-process table (about 10 minutes)
#   bash benchmarks/run_all.sh --all    # also the in-process simulation and probe benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }
python3 benchmarks/whole_process.py --datasets 1000 10000 100000 --repeat 3
if [ "${1:-}" = "--all" ]; then
  python3 benchmarks/simulate_bench.py --datasets 10000 100000
  python3 benchmarks/s3_bench.py --buckets 1000
  python3 benchmarks/ssh_bench.py --targets 200
fi
