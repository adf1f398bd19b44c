#!/bin/bash
# BpfScript end to end: a script, the events the test makes, the output.
B=${1:-build}
. tests/runtime/lib.sh

F='/comm == "trigger"/'
lang count_by_comm "tracepoint:syscalls:sys_enter_getppid $F { @[comm] = count(); }" \
	"getppid 1234" '@\[trigger\]: 1234'
lang predicate_pid_scalar "tracepoint:syscalls:sys_enter_getppid $F { @n = count(); @s = sum(2); }" \
	"getppid 50" '@n: 50' '@s: 100'
lang tracepoint_args "tracepoint:syscalls:sys_enter_write $F { @bytes = sum(args->count); @fd[args->fd > 2] = count(); }" \
	"write 40" '@bytes: 40' '@fd\[1\]: 40'
lang args_dot_syntax "tracepoint:syscalls:sys_enter_write $F { @b = sum(args.count); }" \
	"write 7" '@b: 7'
lang str_of_user_pointer "tracepoint:syscalls:sys_enter_openat $F { printf(\"open %s\\n\", str(args->filename)); }" \
	"write 1" 'open /dev/null'
lang wildcard_probe_key "tracepoint:syscalls:sys_enter_getpp* $F { @[probe] = count(); }" \
	"getppid 3" '@\[tracepoint:syscalls:sys_enter_getppid\]: 3'
lang hist_of_arg "tracepoint:syscalls:sys_enter_write $F { @h = hist(args->count); }" \
	"write 5" '@h: ' '\[1\] +5 \|@+\|'
lang variables_and_if "tracepoint:syscalls:sys_enter_getppid $F { \$x = pid; if (\$x > 0) { @pos = count(); } else { @neg = count(); } }" \
	"getppid 4" '@pos: 4'
lang exit_from_probe "tracepoint:syscalls:sys_enter_getppid $F { @n = count(); exit(); }" \
	"getppid 3" '@n: [1-3]'
lang kstack_key "tracepoint:syscalls:sys_enter_getppid $F { @[kstack] = count(); }" \
	"getppid 2" '@\[' '    do_syscall_64\+[0-9]+' '\]: 2'
lang map_keyed_by_tid "tracepoint:syscalls:sys_enter_getppid $F { @start[tid] = nsecs; } tracepoint:syscalls:sys_exit_getppid $F { if (@start[tid]) { @ok = count(); } delete(@start[tid]); }" \
	"getppid 6" '@ok: 6'

UT=$(realpath $B/tests/uprobe_target)
lang data_loc_string "tracepoint:sched:sched_process_exec /str(args->filename) == \"/bin/true\"/ { @n = count(); printf(\"%s\\n\", args->filename); }" \
	"sh:/bin/true; /bin/true" '/bin/true' '@n: 2'
lang join_argv "tracepoint:syscalls:sys_enter_execve /str(args->filename) == \"/bin/echo\"/ { join(args->argv); }" \
	"sh:/bin/echo one two three" '/bin/echo one two three'
lang uprobe_func_and_args "uprobe:$UT:tv_target { @[func] = count(); @a = sum(arg0); }" \
	"sh:$UT 10" '@\[tv_target\]: 10' '@a: 45'
lang uretprobe_retval "uretprobe:$UT:tv_target { @r = sum(retval); }" "sh:$UT 10" '@r: 135'
lang func_as_map_value "uprobe:$UT:tv_target { @f[tid] = func; printf(\"%s %s\\n\", func, arg0 > 100 ? \"big\" : \"small\"); }" \
	"sh:$UT 1" '@f\[[0-9]+\]: tv_target' 'tv_target small'

err error_syntax 'BEGIN { printf("x" }' '^stdin:1:[0-9]+-[0-9]+: ERROR: syntax error'
err error_unknown_function 'BEGIN { foo(1); }' "^stdin:1:9-1[0-9]: ERROR: Unknown function: 'foo'"
err error_printf_args 'BEGIN { printf("%d %d\n", 1); }' '^stdin:1:9-[0-9]+: ERROR: printf: Not enough arguments for format string \(1 supplied, 2 expected\)'
err error_missing_tracepoint 'tracepoint:syscalls:sys_enter_nope { }' '^stdin:1:1-[0-9]+: ERROR: tracepoint not found: syscalls:sys_enter_nope'
err error_kprobe_unavailable 'kprobe:vfs_read { }' '^stdin:1:1-[0-9]+: ERROR: kprobe probes are not available on this kernel: use tracepoint:... or rawtracepoint:...'
err error_map_kind 'BEGIN { @x = count(); @x = 5; }' '^stdin:1:23-2[0-9]: ERROR: @x was a count map; this makes it a int map'
err error_undefined_variable 'BEGIN { printf("%d\n", $nope); }' '^stdin:1:[0-9]+-[0-9]+: ERROR: undefined variable: \$nope'

# ---- BpfScript, BEGIN-only: byte for byte what bpftrace 0.17 printed -------
# (golden/*.out were recorded from bpftrace 0.17 on this kind of machine)
while IFS=$'\t' read -r name prog; do
	if "$TV" -e "$prog" >"$T/g.out" 2>"$T/g.err" && cmp -s "$T/g.out" tests/runtime/golden/$name.out; then
		ok "golden_$name"
	else
		nok "golden_$name" "$(diff "$T/g.out" tests/runtime/golden/$name.out | head -5 | tr '\n' '|')" "$(head -3 "$T/g.err" | tr '\n' '|')"
	fi
done <tests/runtime/golden/cases.txt

# ---- command line -----------------------------------------------------------
t_dash_c_cpid() { # the command starts once attached and ends the run
	out=$(timeout 10 "$TV" -c "$TRIG getppid 77" -e 'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @ = count(); }') &&
		printf '%s\n' "$out" | grep -qx '@: 77'
}
check dash_c_runs_command_with_cpid t_dash_c_cpid
t_dash_p_dead() {
	"$TV" -p 999999 -e 'BEGIN { exit(); }' >/dev/null 2>"$T/p.err"
	[ $? -eq 1 ] && grep -qx 'ERROR: no process with pid 999999' "$T/p.err"
}
check dash_p_dead_pid_error t_dash_p_dead
t_list() {
	[ "$("$TV" -l 'tracepoint:syscalls:sys_enter_getppid')" = tracepoint:syscalls:sys_enter_getppid ] &&
		"$TV" -lv 'tracepoint:sched:sched_process_exec' | grep -qx '    __data_loc char\[\] filename' &&
		"$TV" -l '*sys_enter_open*' | grep -qx 'tracepoint:syscalls:sys_enter_openat'
}
check list_probes t_list
t_dump_reruns() { # -d prints assembler text that -A runs with the same output
	"$TV" -d -e 'BEGIN { printf("%d %s\n", 6 * 7, "x"); @m[1, "a"] = sum(5); exit(); }' >"$T/d.tvs" &&
		[ "$("$TV" -A "$T/d.tvs")" = "$("$TV" -e 'BEGIN { printf("%d %s\n", 6 * 7, "x"); @m[1, "a"] = sum(5); exit(); }')" ]
}
check dump_text_reruns_with_A t_dump_reruns
t_script_file_and_args() { # a file with a #! line, positional parameters
	printf '#!/usr/bin/env tracevm\nBEGIN { printf("%%d %%d\\n", $1 + $2, $#); exit(); }\n' >"$T/s.bt"
	[ "$("$TV" "$T/s.bt" 40 2 | sed -n 2p)" = "42 2" ]
}
check script_file_shebang_and_params t_script_file_and_args
t_system_unsafe() {
	[ "$("$TV" --unsafe -e 'BEGIN { system("echo sys %d", 42); exit(); }' | sed -n 2p)" = "sys 42" ] &&
		! "$TV" -e 'BEGIN { system("echo x"); }' 2>"$T/u.err" >/dev/null &&
		grep -q '^stdin:1:9-25: ERROR: system() is an unsafe function being used in safe mode' "$T/u.err"
}
check system_needs_unsafe t_system_unsafe

# ---- event storms: aggregations stay exact; records are either printed or
# counted in "Lost N events", never silently dropped ---------------------------
t_storm_exact_count() {
	start storm -e 'tracepoint:syscalls:sys_enter_getppid /comm == "trigger"/ { @ = count(); @cpus[cpu] = count(); }' || return 1
	taskset -c 0 $TRIG getppid 500000 &
	taskset -c 1 $TRIG getppid 500000
	wait %% 2>/dev/null
	wait $! 2>/dev/null
	stop storm || return 1
	grep -qx '@: 1000000' "$T/storm.out"
}
check storm_million_events_exact_count t_storm_exact_count
t_storm_records_accounted() {
	start rec -e 'tracepoint:syscalls:sys_enter_getppid /comm == "trigger"/ { printf("event %d\n", tid); }' || return 1
	taskset -c 0 $TRIG getppid 300000 &
	taskset -c 1 $TRIG getppid 300000
	wait $! 2>/dev/null
	sleep 0.2
	stop rec || return 1
	local printed lost
	printed=$(grep -c '^event ' "$T/rec.out")
	lost=$(sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$T/rec.out")
	echo "# storm: $printed printed, ${lost:-0} lost"
	[ $((printed + ${lost:-0})) -eq 600000 ]
}
check storm_records_printed_or_counted_lost t_storm_records_accounted
t_buffering_line() { # with -B line, BEGIN's line is out while tracevm still runs
	start buf -B line -e 'BEGIN { printf("early\n"); }' || return 1
	local seen=0
	for _ in $(seq 100); do grep -qx early "$T/buf.out" && seen=1 && break; sleep 0.01; done
	stop buf
	[ $seen = 1 ] && ! "$TV" -B sometimes -e 'BEGIN { exit(); }' 2>/dev/null
}
check dash_B_line_buffering t_buffering_line
t_json_output() { # -f json: what bpftrace 0.17 printed, and every line parses
	"$TV" -f json -e "$(cat tests/runtime/golden/json_maps.bt)" >"$T/j.out" &&
		cmp -s "$T/j.out" tests/runtime/golden/json_maps.json &&
		python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$T/j.out"
}
check json_output_like_bpftrace t_json_output
t_lost_events_counted() { # a stopped reader: the ring overflows, and the loss is told exactly
	start lost -e 'tracepoint:syscalls:sys_enter_getppid /comm == "trigger"/ { printf("e %d\n", tid); }' || return 1
	kill -STOP $pid_lost
	$TRIG getppid 200000
	kill -CONT $pid_lost
	sleep 0.3
	stop lost || return 1
	local printed lost
	printed=$(grep -c '^e ' "$T/lost.out")
	lost=$(sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$T/lost.out")
	echo "# overflow: $printed printed, ${lost:-0} lost"
	[ "${lost:-0}" -gt 0 ] && [ $((printed + lost)) -eq 200000 ]
}
check lost_events_true_count t_lost_events_counted
