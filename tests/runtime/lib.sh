# Shared by the runtime test files: TAP output and running tracevm in the
# background until its probes are attached.  Needs B (build dir) set.
TV=$B/tracevm
TRIG=$B/tests/trigger
T=$(mktemp -d)
n=0
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name" "failed: $*"; fi
}

# start NAME ARGS...: tracevm in the background until its probes are
# attached; stdout in $T/NAME.out, stderr in $T/NAME.err
start() {
	local name=$1
	shift
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 "$TV" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	eval "pid_$name=$!"
	for _ in $(seq 1000); do
		grep -q __BPFTRACE_NOTIFY_PROBES_ATTACHED "$T/$name.err" 2>/dev/null && return 0
		kill -0 $! 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}
stop() { # NAME: SIGINT, then wait for the exit status
	local pid
	eval "pid=\$pid_$1"
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
}
