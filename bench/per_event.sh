#!/bin/bash
# Per-event cost on sys_enter_getppid: ns per getppid(2) call with each
# tracer attached, minus the untraced call; tracevm, a native BPF program
# and (when installed) bpftrace measured side by side, rounds interleaved.
B=${1:-build}
N=${N:-2000000}
ROUNDS=${ROUNDS:-3}
TP=tracepoint:syscalls:sys_enter_getppid
configs=(
	"baseline|"
	"native empty|$B/bench/native_attach $B/bench/native.bpf.o empty"
	"native count|$B/bench/native_attach $B/bench/native.bpf.o count"
	"tracevm empty|$B/tracevm -q -e '$TP{}'"
	"tracevm count|$B/tracevm -q -e '$TP{@=count();}'"
	"tracevm count by comm|$B/tracevm -q -e '$TP{@[comm]=count();}'"
	"tracevm printf|$B/tracevm -q -e '$TP{printf(\"%d\\n\",tid);}'"
)
if command -v bpftrace >/dev/null; then
	configs+=(
		"bpftrace empty|bpftrace -e '$TP{}'"
		"bpftrace count|bpftrace -e '$TP{@=count();}'"
		"bpftrace count by comm|bpftrace -e '$TP{@[comm]=count();}'"
		"bpftrace printf|bpftrace -e '$TP{printf(\"%d\\n\",tid);}'"
	)
fi

measure() { # command line -> ns per call with it attached
	local err pid ns
	[ -z "$1" ] && { taskset -c 1 $B/bench/getppid_loop $N; return; }
	err=$(mktemp)
	# exec: $! must be the tracer itself, which SIGINT stops
	eval "__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 exec $1" >/dev/null 2>"$err" &
	pid=$!
	for _ in $(seq 1000); do grep -q NOTIFY "$err" && break; sleep 0.01; done
	ns=$(taskset -c 1 $B/bench/getppid_loop $N)
	kill -INT $pid
	wait $pid 2>/dev/null
	rm -f "$err"
	echo "$ns"
}

declare -A samples
for r in $(seq $ROUNDS); do
	for c in "${configs[@]}"; do
		samples[${c%%|*}]+="$(measure "${c#*|}") "
	done
done

median() { tr ' ' '\n' | grep . | sort -n | head -1; } # the minimum: VM noise only adds
base=$(echo ${samples[baseline]} | median)
printf '%-24s %10s %10s %12s\n' config ns/call added "vs bpftrace"
for c in "${configs[@]}"; do
	name=${c%%|*}
	m=$(echo ${samples[$name]} | median)
	added=$(awk -v m=$m -v b=$base 'BEGIN {printf "%.1f", m - b}')
	ref=${name/tracevm/bpftrace}
	ratio=""
	if [[ $name == tracevm* && -n ${samples[$ref]} ]]; then
		rm=$(echo ${samples[$ref]} | median)
		ratio=$(awk -v a=$added -v r=$rm -v b=$base 'BEGIN {printf "%.2fx", a / (r - b)}')
	fi
	printf '%-24s %10s %10s %12s\n' "$name" "$m" "$added" "$ratio"
done
echo "($ROUNDS rounds of $N calls, minimum of the rounds; added = ns/call - baseline)"
