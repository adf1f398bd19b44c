#!/bin/bash
# All benchmarks. Benchmarks print figures; they never pass or fail.
B=${1:-build}
cd "$(dirname "$0")/.."
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
bench/startup.sh "$B"
echo
bench/types.sh "$B"
echo
bench/per_event.sh "$B"
echo
bench/verifier.sh "$B"
echo
bench/frontend.sh "$B"
