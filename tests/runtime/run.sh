#!/bin/bash
# Runtime tests: a program, the events the test makes itself, the output it
# must print.  TAP lines ("ok N - name" / "not ok N - name").
B=${1:-build}
TV=$B/tracevm
TRIG=$B/tests/trigger
P=tests/runtime/progs
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

# start NAME ARGS...: run tracevm in the background until its probes are
# attached; its stdout goes to $T/NAME.out, stderr to $T/NAME.err
start() {
	local name=$1
	shift
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 "$TV" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	eval "pid_$name=$!"
	for _ in $(seq 500); do
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

# ---- tracepoints count exactly -------------------------------------------
t_tracepoint_count_exact() {
	start cnt -A $P/count_comm.tvs || return 1
	$TRIG getppid 5000
	stop cnt || return 1
	grep -qx '@calls\[trigger\]: 5000' "$T/cnt.out"
}
check tracepoint_count_exact t_tracepoint_count_exact

# ---- predicate, printf, integer map, exit() from a probe -------------------
t_predicate_printf_exit() {
	start pp -A $P/predicate_printf.tvs || return 1
	$TRIG getppid 10
	wait $pid_pp || return 1
	# events already in flight still count in the maps, but print nothing
	[ "$(grep -c '^getppid from trigger pid [0-9]*$' "$T/pp.out")" -eq 3 ] &&
		grep -qE '^@n: ([3-9]|10)$' "$T/pp.out" && grep -qE '^@seen: ([3-9]|10)$' "$T/pp.out"
}
check predicate_printf_exit t_predicate_printf_exit

# ---- BEGIN (user space) and probes (kernel) share the maps -------------------
t_begin_sets_kernel_map() {
	start bs -A $P/begin_sets_map.tvs || return 1
	$TRIG getppid 7
	stop bs || return 1
	grep -qx '@base: 1000' "$T/bs.out" && grep -qx '@total: 7000' "$T/bs.out"
}
check begin_sets_kernel_map t_begin_sets_kernel_map

# ---- BEGIN-only programs never touch the kernel -----------------------------
t_begin_only_user_space() {
	"$TV" --cleanup || return 1
	out=$("$TV" -A $P/begin_only.tvs) || return 1
	[ "$out" = "$(printf 'Attaching 1 probe...\nhello 42\n\n\n@x: 7')" ] &&
		! ls /sys/fs/bpf | grep -q '^tracevm-'
}
check begin_only_user_space t_begin_only_user_space

# ---- cold start loads and pins; warm start loads nothing --------------------
t_cold_start_pins() {
	"$TV" --cleanup || return 1
	start cold -A $P/count_comm.tvs || return 1
	stop cold || return 1
	d=$(ls -d /sys/fs/bpf/tracevm-* | head -1)
	[ -n "$d" ] && [ "$(stat -c %a "$d")" = 700 ] &&
		[ -z "$(find "$d" -type f ! -perm 600)" ]
}
check cold_start_pins_0700_0600 t_cold_start_pins

t_warm_start_no_prog_load() {
	start warm1 -A $P/count_comm.tvs || return 1
	stop warm1
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 strace -f -o "$T/strace" -e trace=bpf "$TV" -A $P/count_comm.tvs >/dev/null 2>"$T/w.err" &
	local spid=$!
	for _ in $(seq 500); do grep -q NOTIFY "$T/w.err" && break; sleep 0.01; done
	pkill -INT -f "tracevm -A $P/count_comm.tvs"
	wait $spid
	grep -q BPF_LINK_CREATE "$T/strace" && ! grep -q BPF_PROG_LOAD "$T/strace"
}
check warm_start_no_prog_load t_warm_start_no_prog_load

# ---- a pin directory with the wrong mode is never reused --------------------
t_foreign_pin_not_reused() {
	start f0 -A $P/count_comm.tvs && stop f0 || return 1
	d=$(ls -d /sys/fs/bpf/tracevm-* | head -1)
	chmod 0755 "$d"
	start f1 -A $P/count_comm.tvs && stop f1 || return 1
	[ "$(stat -c %a "$d")" = 700 ] && [ -z "$(find "$d" -type f ! -perm 600)" ]
}
check foreign_pin_not_reused t_foreign_pin_not_reused

# ---- pins of another build go once nobody uses them ------------------------
t_old_build_pins_removed() {
	old=/sys/fs/bpf/tracevm-0000000000000000-1
	mkdir -p $old && bpftool map create $old/sessions type array key 4 value 32 entries 64 name sessions || return 1
	start ob -A $P/count_comm.tvs && stop ob || return 1
	[ ! -e $old ]
}
check old_build_pins_removed t_old_build_pins_removed

# ---- two sessions on one tracepoint stay apart ------------------------------
t_two_sessions_isolated() {
	start s1 -A $P/count_comm.tvs || return 1
	start s2 -A $P/predicate_printf.tvs || return 1
	$TRIG getppid 100
	wait $pid_s2 || return 1
	$TRIG getppid 50
	stop s1 || return 1
	grep -qx '@calls\[trigger\]: 150' "$T/s1.out" && ! grep -q 'getppid from' "$T/s1.out" &&
		[ "$(grep -c '^getppid from' "$T/s2.out")" -eq 3 ] && ! grep -q '@calls' "$T/s2.out"
}
check two_sessions_isolated t_two_sessions_isolated

# ---- a killed session's slot and data are reclaimed --------------------------
t_dead_session_reclaimed() {
	start dead -A $P/count_comm.tvs || return 1
	$TRIG getppid 70
	kill -9 $pid_dead
	wait $pid_dead 2>/dev/null
	start fresh -A $P/count_comm.tvs -v || return 1
	$TRIG getppid 5
	stop fresh || return 1
	grep -qx '@calls\[trigger\]: 5' "$T/fresh.out"
}
check dead_session_reclaimed t_dead_session_reclaimed

# ---- faults are counted and the next block still runs -------------------------
t_fault_reported() {
	start flt -A $P/fault.tvs || return 1
	$TRIG getppid 20
	stop flt || return 1
	grep -q 'memory reads faulted' "$T/flt.err" && grep -qE '^@after: [0-9]+$' "$T/flt.out" &&
		[ "$(sed -n 's/^@after: //p' "$T/flt.out")" -ge 20 ]
}
check fault_counted_block_continues t_fault_reported

# ---- bad input: clear error, status 1, nothing left attached -----------------
t_error() { # prog, expected stderr regex
	"$TV" -A "$P/$1" >"$T/e.out" 2>"$T/e.err"
	[ $? -eq 1 ] && grep -qE "$2" "$T/e.err" || { cat "$T/e.err"; return 1; }
}
check error_bad_opcode t_error bad_syntax.tvs "bad_syntax.tvs:3:2-6: ERROR: unknown opcode 'cuont'"
check error_validator t_error bad_jump.tvs "ERROR: insn 0 \(JA\): jumps go forward only"
check error_missing_tracepoint t_error missing_tp.tvs "ERROR: tracepoint not found: syscalls:sys_enter_nonexistent"
check error_kprobe_names_alternatives t_error kprobe.tvs "kprobes are not available.*tracepoint.*rawtracepoint"
t_error_nothing_left() {
	"$TV" -A $P/missing_tp.tvs >/dev/null 2>&1
	! ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q 'tracevm' && start after -A $P/count_comm.tvs -v &&
		stop after && grep -q 'session 0' "$T/after.err"
}
check error_leaves_nothing_attached t_error_nothing_left

# ---- --cleanup removes every pin ---------------------------------------------
t_cleanup() {
	"$TV" --cleanup && ! ls /sys/fs/bpf | grep -q '^tracevm-'
}
check cleanup_removes_pins t_cleanup
