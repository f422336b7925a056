#!/usr/bin/env bash
# Run every benchmark with the sizes quoted in benchmarks/README.md. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 benchmarks/simulate_bench.py --datasets 10000 100000
python3 benchmarks/s3_bench.py --buckets 1000 --latency-ms 30 --runs 3
python3 benchmarks/ssh_bench.py --targets 200
