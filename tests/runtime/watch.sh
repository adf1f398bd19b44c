#!/bin/bash
# uprobe offsets and addresses, and watchpoints: bpftrace 0.17's rules and
# words, with events the tests make themselves.
B=${1:-build}
. tests/runtime/lib.sh
UT=$(realpath $B/tests/uprobe_target)

# ---- uprobe:BIN:FUNC+OFFSET and uprobe:BIN:ADDRESS ----------------------------
size=$((0x$(nm -S "$UT" | awk '$4 == "tv_target" { print $2 }')))
err uprobe_offset_outside_function "uprobe:$UT:tv_target+100000 { }" \
	"ERROR: Offset outside the function bounds \('tv_target' size is $size\)\$"
err uprobe_address_unresolved "uprobe:$UT:10 { }" "ERROR: Could not resolve address: $UT:0xa\$"
lang uprobe_quoted_function_offset "uprobe:$UT:\"tv_target\"+0 { @ = count(); }" "sh:$UT 3" '@: 3'

# ---- watchpoint:FUNC+argN:LEN:MODE (and asyncwatchpoint) ----------------------
WT=$(realpath "$B/tests/watch_target")
# wrun NAME 'script' 'command': tracevm -c until the command ends
wrun() { timeout 20 "$TV" -e "$2" -c "$3" >"$T/$1.out" 2>"$T/$1.err"; }
has() { grep -qxE "$2" "$T/$1.out" || { cat "$T/$1.out" "$T/$1.err"; return 1; }; }
# the process stops at the call until the watchpoint is attached: the
# write inside each call is seen (2 calls of tv_bump_a), then 5 later ones
t_watch_stops() {
	wrun ws 'watchpoint:tv_bump_a+arg0:4:w { @ = count(); }' "$WT 3" && has ws '@: 7' &&
		has ws 'Attaching 1 probe...'
}
check watch_func_arg_stops_the_call t_watch_stops
# a wildcard: one watchpoint a function, each named as bpftrace names it
t_watch_wildcard() {
	wrun ww 'watchpoint:tv_bump_*+arg0:4:w { @[probe] = count(); }' "$WT 2" &&
		has ww "@\\[watchpoint:$WT:tv_bump_a:4:w\\]: 6" && has ww "@\\[watchpoint:$WT:tv_bump_b:4:w\\]: 1"
}
check watch_func_wildcard_one_a_function t_watch_wildcard
# async: the process goes on; the writes after the attach are seen
t_watch_async() {
	wrun wa 'asyncwatchpoint:tv_bump_a+arg0:4:w { printf("%s\n", probe); exit(); }' "$WT 1 200" &&
		has wa "asyncwatchpoint:$WT:tv_bump_a:4:w"
}
check watch_async_sees_later_writes t_watch_async
# unwatch(addr) detaches: the call's write only, not the 5 after it
t_unwatch() {
	wrun wu "uprobe:$WT:tv_bump_a { @a = arg0; } watchpoint:tv_bump_a+arg0:4:w { @n = count(); unwatch(@a); }" "$WT 1 200" &&
		has wu '@n: 1'
}
check unwatch_detaches t_unwatch
# five calls, four debug registers: bpftrace's words for the fifth
t_watch_registers() {
	wrun wr 'watchpoint:tv_bump_a+arg0:4:w { }' "$WT 9" &&
		has wr 'Failed to attach watchpoint probe. You are out of watchpoint registers.'
}
check watch_out_of_registers t_watch_registers
# -p: the running process's program is /proc/PID/exe
t_watch_pid() {
	"$WT" 1 1500 &
	local p=$!
	timeout 20 "$TV" -e 'watchpoint:tv_bump_a+arg0:4:w { @[probe] = count(); }' -p $p >"$T/wp.out" 2>"$T/wp.err"
	wait $p
	has wp "@\\[watchpoint:/proc/$p/exe:tv_bump_a:4:w\\]: 6"
}
check watch_func_with_pid t_watch_pid
err watch_func_without_process 'watchpoint:tv_bump_a+arg0:4:w { }' '^stdin:1:1-30: ERROR: -p PID or -c CMD required for watchpoint$'
err async_watch_needs_function 'asyncwatchpoint:0x1000:4:w { }' '^stdin:1:1-27: ERROR: asyncwatchpoint requires a function name$'
TV_OPTS="-c $WT" err watch_func_bad_argument 'watchpoint:tv_bump_a+rdi:4:w { }' 'ERROR: Invalid function argument$'
TV_OPTS="-c $WT" err watch_func_arg6 'watchpoint:tv_bump_a+arg6:4:w { }' "ERROR: x86_64 doesn't support arg6$"
TV_OPTS="-c $WT" err watch_func_bad_length 'watchpoint:tv_bump_a+arg0:3:w { }' "ERROR: probe 'watchpoint:$WT:tv_bump_a:3:w': the length must be 1, 2, 4 or 8, not 3"
TV_OPTS="-c $WT" err watch_func_not_found 'watchpoint:tv_nope_*+arg0:4:w { }' "ERROR: No probes matched $WT:tv_nope_\\*"
