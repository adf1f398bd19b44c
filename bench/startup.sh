#!/bin/bash
# Start-up: exec to probes attached (warm: pinned interpreter reused; cold:
# load + verify + pin), next to bpftrace; and BEGIN { exit(); } wall time.
B=${1:-build}
RUNS=${RUNS:-30}
TP='tracepoint:syscalls:sys_enter_getppid { @ = count(); }'
TV=("$B/tracevm" -e "$TP")

echo "== harness cost (fork+exec of a program that reports at once)"
$B/bench/attach_latency $RUNS $B/bench/notify_now
echo "== tracevm warm start, one tracepoint"
"${TV[@]}" -q >/dev/null 2>&1 & sleep 0.3; kill -INT $! 2>/dev/null; wait
$B/bench/attach_latency $RUNS "${TV[@]}"
echo "== tracevm cold start (every pin removed first), one tracepoint"
cold=$(for i in $(seq 10); do
	$B/tracevm --cleanup
	$B/bench/attach_latency 1 "${TV[@]}" | sed 's/^/  /'
done)
printf '%s\n' "$cold"
printf '%s\n' "$cold" | awk '/exec-to-attached/ {print $6}' | sort -n |
	awk '{v[NR]=$1} END {print "  median of the cold runs: " v[int((NR+1)/2)] " ms"}'
$B/tracevm --cleanup
echo "== load+verify as tracevm -v reports it (cold)"
(__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 "${TV[@]}" -v 2>&1 >/dev/null & sleep 0.5; kill -INT %1 2>/dev/null; wait) | grep tracevm:
if command -v bpftrace >/dev/null; then
	echo "== bpftrace, same script"
	$B/bench/attach_latency 10 bpftrace -e "$TP"
fi
echo "== 10 tracepoints: attach, and SIGINT to exit (maps printed, process gone)"
$B/bench/attach_latency 10 $B/tracevm bench/progs/ten_tracepoints.bt
if command -v bpftrace >/dev/null; then
	echo "   bpftrace:"
	$B/bench/attach_latency 3 bpftrace bench/progs/ten_tracepoints.bt
fi
echo "== BEGIN { exit(); } wall time"
if command -v hyperfine >/dev/null; then
	cmds=("$B/tracevm -e 'BEGIN { exit(); }'")
	command -v bpftrace >/dev/null && cmds+=("bpftrace -e 'BEGIN { exit(); }'")
	hyperfine -N --warmup 3 -r 20 "${cmds[@]}" 2>/dev/null | grep -E 'Benchmark|Time'
fi
