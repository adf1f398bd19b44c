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
		# a run may attach, print and end between the grep and this
		kill -0 $! 2>/dev/null || { grep -q __BPFTRACE_NOTIFY_PROBES_ATTACHED "$T/$name.err"; return; }
		sleep 0.01
	done
	return 1
}
pin_dir() { # this build's pin directory (other builds may pin theirs beside it)
	"$TV" -v -e 'interval:ms:1 { exit(); }' 2>&1 >/dev/null | sed -n 's/^tracevm: attached .* in \(\/[^,]*\), .*/\1/p'
}
stop() { # NAME: SIGINT, then wait for the exit status
	local pid
	eval "pid=\$pid_$1"
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
}

# lang NAME 'script' 'trigger args' 'expected line (regex)'...
lang() {
	local name=$1 script=$2 trig=$3
	shift 3
	# shellcheck disable=SC2086 # TV_OPTS: extra options, word split
	if ! start "$name" ${TV_OPTS:-} -e "$script"; then
		nok "$name" "did not start: $(head -3 "$T/$name.err" | tr '\n' '|')"
		return
	fi
	case "$trig" in
	sh:*) eval "${trig#sh:}" >/dev/null ;;
	?*) $TRIG $trig ;;
	esac
	stop "$name"
	for re in "$@"; do
		if ! grep -qE "^$re\$" "$T/$name.out"; then
			nok "$name" "no line matching: $re" "$(tr '\n' '|' <"$T/$name.out" | cut -c1-300)"
			return
		fi
	done
	ok "$name"
}

# errors: location, source line, underline, status 1, nothing attached
err() { # NAME 'script' 'first stderr line (regex)'
	# shellcheck disable=SC2086 # a script that runs instead of failing is stopped
	timeout 10 "$TV" ${TV_OPTS:-} -e "$2" >"$T/e.out" 2>"$T/e.err"
	local rc=$?
	if [ $rc -eq 1 ] && head -1 "$T/e.err" | grep -qE "$3" && ! grep -q Attaching "$T/e.out"; then
		ok "$1"
	else
		nok "$1" "status $rc: $(head -3 "$T/e.err" | tr '\n' '|')"
	fi
}
# cli_err NAME 'whole stderr' ARGS...: status 1, that stderr byte for
# byte, nothing on stdout
cli_err() {
	local name=$1 want=$2 rc
	shift 2
	timeout 10 "$TV" "$@" >"$T/e.out" 2>"$T/e.err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(cat "$T/e.err")" = "$want" ] && [ ! -s "$T/e.out" ]; then
		ok "$name"
	else
		nok "$name" "status $rc: $(head -6 "$T/e.err" | tr '\n' '|')"
	fi
}
err_text() { cli_err "$1" "$3" -e "$2"; } # NAME 'script' 'whole stderr'
