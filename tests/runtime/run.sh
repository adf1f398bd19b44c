#!/bin/bash
# Runtime tests: a program, the events the test makes itself, the output it
# must print.  TAP lines ("ok N - name" / "not ok N - name").
B=${1:-build}
P=tests/runtime/progs
. tests/runtime/lib.sh

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
	d=$(pin_dir)
	[ -n "$d" ] && [ "$(stat -c %a "$d")" = 700 ] &&
		[ -z "$(find "$d" -type f ! -perm 600)" ]
}
check cold_start_pins_0700_0600 t_cold_start_pins

t_warm_start_no_prog_load() {
	start warm1 -A $P/count_comm.tvs || return 1
	stop warm1
	# its reaper still holds the tracepoint with program copy 0: a start
	# meanwhile takes copy 1, loaded once the first time (not warm)
	for _ in $(seq 300); do pgrep -f "tracevm -A $P/count_comm.tvs" >/dev/null || break; sleep 0.01; done
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 strace -f -o "$T/strace" -e trace=bpf "$TV" -A $P/count_comm.tvs >/dev/null 2>"$T/w.err" &
	local spid=$!
	for _ in $(seq 500); do grep -q NOTIFY "$T/w.err" && break; sleep 0.01; done
	# only strace's child: not strace, nor a reaper of warm1 (same command line)
	pkill -INT -P $spid -f "tracevm -A $P/count_comm.tvs"
	wait $spid
	grep -q BPF_LINK_CREATE "$T/strace" && ! grep -q BPF_PROG_LOAD "$T/strace"
}
check warm_start_no_prog_load t_warm_start_no_prog_load

# ---- a pin directory with the wrong mode is never reused --------------------
t_foreign_pin_not_reused() {
	start f0 -A $P/count_comm.tvs && stop f0 || return 1
	d=$(pin_dir)
	chmod 0755 "$d"
	start f1 -A $P/count_comm.tvs && stop f1 || return 1
	[ "$(stat -c %a "$d")" = 700 ] && [ -z "$(find "$d" -type f ! -perm 600)" ]
}
check foreign_pin_not_reused t_foreign_pin_not_reused

# ---- bpffs is world-writable here: another user's links are never followed --
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
victim_dir() { # a directory of root's files a link will name
	rm -rf "$T/victim" && mkdir "$T/victim" && touch "$T/victim/keep1" "$T/victim/keep2"
}
victim_kept() { [ -e "$T/victim/keep1" ] && [ -e "$T/victim/keep2" ]; }
t_pin_links_not_followed() {
	local d other=/sys/fs/bpf/tracevm-00000000000000aa-1
	start l0 -A $P/count_comm.tvs && stop l0 || return 1
	d=$(pin_dir)
	"$TV" --cleanup || return 1
	victim_dir
	# a link under another build's name and one under this build's own
	$NOBODY ln -s "$T/victim" $other && $NOBODY ln -s "$T/victim" "$d" || return 1
	start l1 -A $P/count_comm.tvs || return 1
	$TRIG getppid 3
	stop l1 || return 1
	grep -qx '@calls\[trigger\]: 3' "$T/l1.out" && victim_kept && [ ! -L "$d" ] &&
		[ "$(stat -c '%a %u' "$d")" = "700 0" ] || return 1
	$NOBODY ln -s "$T/victim" $other 2>/dev/null
	"$TV" --cleanup && victim_kept && [ ! -e $other ]
}
check pin_links_never_followed t_pin_links_not_followed
t_pin_foreign_dir_replaced() { # a directory of another user's under our name
	local d
	start fd0 -A $P/count_comm.tvs && stop fd0 || return 1
	d=$(pin_dir)
	"$TV" --cleanup && $NOBODY mkdir -m 0700 "$d" || return 1
	start fd1 -A $P/count_comm.tvs && stop fd1 || return 1
	[ "$(stat -c '%a %u' "$d")" = "700 0" ]
}
check pin_foreign_dir_replaced t_pin_foreign_dir_replaced

# ---- without root's capabilities: said so, status 1; BEGIN and END still run -----
t_unprivileged() {
	local tv
	tv=$(realpath "$TV")
	$NOBODY "$tv" -e 'tracepoint:syscalls:sys_enter_getppid { @ = count(); }' 2>"$T/np1.err"
	[ $? -eq 1 ] && grep -q '^stdin:1:1-38: ERROR: tracepoint probes need root (or CAP_BPF and CAP_PERFMON)' "$T/np1.err" || return 1
	$NOBODY "$tv" -A $P/count_comm.tvs 2>"$T/np2.err"
	[ $? -eq 1 ] && grep -q 'ERROR: probes in the kernel need root' "$T/np2.err" || return 1
	$NOBODY "$tv" --cleanup 2>"$T/np3.err"
	[ $? -eq 1 ] && grep -q 'ERROR: --cleanup needs root' "$T/np3.err" || return 1
	$NOBODY "$tv" -l 'tracepoint:syscalls:*' >/dev/null 2>"$T/np4.err"
	[ $? -eq 1 ] && grep -q 'ERROR: listing probes needs root' "$T/np4.err" || return 1
	[ "$($NOBODY "$tv" -e 'BEGIN { printf("hi\n"); exit(); }' 2>/dev/null | grep -c '^hi$')" = 1 ]
}
check unprivileged_told_needs_root t_unprivileged

# ---- every pinned object is checked: another map, mode or program is not reused
t_pin_objects_checked() {
	local d s='tracepoint:syscalls:sys_enter_getppid /comm == "trigger"/ { printf("%s %d\n", "str", 7); exit(); }'
	start pc0 -e "$s" && stop pc0 || return 1
	d=$(pin_dir)
	# a map of another shape where the constants were
	rm "$d/consts" && bpftool map create "$d/consts" type array key 4 value 8 entries 4 name consts || return 1
	start pc1 -e "$s" || return 1
	$TRIG getppid 1
	wait $pid_pc1 && grep -qx 'str 7' "$T/pc1.out" || { echo "# foreign consts: $(head -3 "$T/pc1.out" | tr '\n' '|')"; return 1; }
	# a pin anyone may open
	chmod 666 "$d/insns"
	start pc2 -e "$s" || return 1
	$TRIG getppid 1
	wait $pid_pc2 && grep -qx 'str 7' "$T/pc2.out" && [ "$(stat -c %a "$d/insns")" = 600 ] ||
		{ echo "# insns mode $(stat -c %a "$d/insns")"; return 1; }
	# another entry program pinned as the tracepoint one
	start pc3 -e "rawtracepoint:sys_enter { exit(); }" && stop pc3 || return 1
	rm "$d/tv_tp" && bpftool prog pin pinned "$d/tv_rawtp" "$d/tv_tp" || return 1
	start pc4 -e "$s" || { echo "# $(head -2 "$T/pc4.err")"; return 1; }
	$TRIG getppid 1
	wait $pid_pc4 && grep -qx 'str 7' "$T/pc4.out"
}
check pin_objects_checked t_pin_objects_checked

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

# ---- the last session out empties the shared stack map ----------------------
# (stacks left behind fill its buckets: later stacks collide and print empty)
t_stacks_dropped_by_last() {
	start stk -e 'tracepoint:syscalls:sys_enter_getppid { @[kstack] = count(); }' || return 1
	$TRIG getppid 3
	stop stk || return 1
	grep -q 'perf_syscall_enter' "$T/stk.out" || return 1
	local d
	d=$(pin_dir)/
	for _ in $(seq 200); do
		[ "$(bpftool map dump pinned "${d}stacks" | grep -c key)" = 0 ] && return 0
		sleep 0.01
	done
	return 1
}
check stacks_dropped_by_last_session t_stacks_dropped_by_last

# ---- quick restarts outrun the slots' reapers --------------------------------
# Each exit leaves a reaper closing the links (tens of ms each); the slot is
# free again once the session's data is gone, long before.  The last run
# counts exactly although earlier links on its slot are still attached.
t_restarts_beyond_slots() {
	for i in $(seq 48); do
		"$TV" -A $P/count_comm.tvs -c /bin/true >/dev/null 2>"$T/r.err" || { cat "$T/r.err"; return 1; }
	done
	start last -A $P/count_comm.tvs || return 1
	$TRIG getppid 300
	stop last || return 1
	grep -qx '@calls\[trigger\]: 300' "$T/last.out"
}
check restarts_beyond_session_slots t_restarts_beyond_slots

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
	timeout -k 1 10 "$TV" -A "$P/$1" >"$T/e.out" 2>"$T/e.err"
	[ $? -eq 1 ] && grep -qE "$2" "$T/e.err" || { cat "$T/e.err"; return 1; }
}
check error_bad_opcode t_error bad_syntax.tvs "bad_syntax.tvs:3:2-6: ERROR: unknown opcode 'cuont'"
check error_validator t_error bad_jump.tvs "ERROR: insn 0 \(JA\): jumps go forward only"
# --unsafe holds for assembler programs too; with it they run
check error_unsafe_system_asm t_error unsafe_system.tvs "ERROR: insn 0 \(EMIT\): system\(\) is unsafe and needs --unsafe"
check error_unsafe_signal_asm t_error unsafe_signal.tvs "ERROR: insn 1 \(SIGNAL\): signal\(\) is unsafe and needs --unsafe"
t_unsafe_asm_runs() { [ "$("$TV" --unsafe -A $P/unsafe_system.tvs 2>&1 | grep -c '^ran$')" = 1 ]; }
check unsafe_asm_runs_with_flag t_unsafe_asm_runs
check error_missing_tracepoint t_error missing_tp.tvs "ERROR: tracepoint not found: syscalls:sys_enter_nonexistent"
check error_kprobe_names_alternatives t_error kprobe.tvs "kprobes are not available.*tracepoint.*rawtracepoint"
t_error_nothing_left() {
	"$TV" --cleanup # waits for earlier sessions still detaching
	"$TV" -A $P/missing_tp.tvs >/dev/null 2>&1
	! ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q 'tracevm' && start after -A $P/count_comm.tvs -v &&
		stop after && grep -q 'session 0' "$T/after.err"
}
check error_leaves_nothing_attached t_error_nothing_left

# ---- raw tracepoints: the attach cookie picks the block; ARG n is args[n] ----
t_rawtp_cookie_args() {
	start rt -A $P/rawtp_sys_enter.tvs || return 1
	$TRIG getppid 3000
	stop rt || return 1
	# getppid is syscall 110 on x86_64; the block is probe 1
	grep -qx '@calls\[110\]: 3000' "$T/rt.out" && grep -qx '@probe: 1' "$T/rt.out"
}
check rawtracepoint_cookie_syscall_id t_rawtp_cookie_args

# ---- interval: one CPU, fires on time; exit() from it ends the run ------------
t_interval_exit() {
	local t0 ms
	t0=$(date +%s%N)
	timeout 10 "$TV" -A $P/interval_exit.tvs >"$T/iv.out" 2>"$T/iv.err" || return 1
	ms=$((($(date +%s%N) - t0) / 1000000))
	# five firings 100 ms apart
	grep -qx '@n: 5' "$T/iv.out" && grep -qx '@ticks: 5' "$T/iv.out" &&
		[ "$ms" -ge 450 ] && [ "$ms" -lt 5000 ] || { echo "# ${ms} ms"; return 1; }
}
check interval_ms_fires_and_exits t_interval_exit

# ---- profile: every online CPU (a CPU is kept busy so its timer runs) ---------
online_cpus() {
	tr ',' '\n' </sys/devices/system/cpu/online |
		while IFS=- read -r lo hi; do seq "$lo" "${hi:-$lo}"; done
}
t_profile_every_cpu() {
	local cpus pids="" c n
	cpus=$(online_cpus)
	start pf -A $P/profile_cpus.tvs || return 1
	for c in $cpus; do
		taskset -c "$c" $TRIG spin 500 &
		pids="$pids $!"
	done
	wait $pids
	sleep 0.5
	stop pf || return 1
	n=$(sed -n 's/^@n: //p' "$T/pf.out")
	[ "${n:-0}" -ge 20 ] && [ "$(grep -c '^@cpus\[' "$T/pf.out")" -eq "$(echo $cpus | wc -w)" ]
}
check profile_hz_every_cpu t_profile_every_cpu

# ---- software events: page faults of the process that makes them ------------
t_software_page_faults() {
	local n
	start sw -A $P/software_faults.tvs || return 1
	$TRIG faults 2000
	stop sw || return 1
	n=$(sed -n 's/^@faults\[trigger\]: //p' "$T/sw.out")
	[ "${n:-0}" -ge 2000 ]
}
check software_page_faults t_software_page_faults

# ---- one firing adds keys to several maps: each keeps them, in every context -
# (timer contexts once kept only the first map's new key)
t_new_keys_in_many_maps() { # NAME 'probe' COMMAND...: the command fires the probe
	local name=$1 probe=$2 n a b c
	shift 2
	start "$name" -e "$probe { @a[@n] = count(); @b[@n] = count(); @c[@n] = count(); @n++; if (@n >= 30) { exit(); } }" || return 1
	"$@" >/dev/null &
	local trig=$!
	wait "$(eval echo \$pid_"$name")"
	kill $trig 2>/dev/null
	wait $trig 2>/dev/null
	n=$(sed -n 's/^@n: //p' "$T/$name.out")
	a=$(grep -c '^@a\[' "$T/$name.out") b=$(grep -c '^@b\[' "$T/$name.out")
	c=$(grep -c '^@c\[' "$T/$name.out")
	[ "${n:-0}" -ge 30 ] && [ "$a" = "$n" ] && [ "$b" = "$n" ] && [ "$c" = "$n" ] ||
		{ echo "# $name: @n ${n:-none}, @a $a, @b $b, @c $c entries"; return 1; }
}
TF='/comm == "trigger"/'
check new_keys_many_maps_tracepoint t_new_keys_in_many_maps nk_tp \
	"tracepoint:syscalls:sys_enter_getppid $TF" $TRIG getppid 100
check new_keys_many_maps_rawtracepoint t_new_keys_in_many_maps nk_raw \
	"rawtracepoint:sys_enter $TF" $TRIG getppid 100
check new_keys_many_maps_uprobe t_new_keys_in_many_maps nk_up \
	"uprobe:$(realpath $B/tests/uprobe_target):tv_target" $B/tests/uprobe_target 100
check new_keys_many_maps_usdt t_new_keys_in_many_maps nk_usdt \
	"usdt:$(realpath $B/tests/usdt_target):tv:regs" $B/tests/usdt_target 30
check new_keys_many_maps_interval t_new_keys_in_many_maps nk_iv "interval:ms:2" sleep 5
check new_keys_many_maps_profile t_new_keys_in_many_maps nk_pf \
	"profile:hz:499 $TF" taskset -c 0 $TRIG spin 5000
check new_keys_many_maps_software t_new_keys_in_many_maps nk_sw \
	"software:page-faults:1 $TF" $TRIG faults 2000

# ---- printing a map while another session deletes keys of the same table ----
# (the key walk stood on the other session's key as it went, started again
# from the first key, and printed this session's entries twice)
t_print_beside_deleting_session() {
	start churn -e 'tracepoint:syscalls:sys_enter_getppid /comm == "trigger"/ { @x[rand % 64] = count(); delete(@x[rand % 64]); }' || return 1
	$TRIG getppid 100000000 &
	local trig=$! bad
	start pd -e 'tracepoint:syscalls:sys_enter_write /comm == "trigger"/ { @[@n++] = count(); }
		interval:ms:5 /@n >= 300/ { print(@); printf("--\n"); if (++@p >= 40) { exit(); } }' &&
		$TRIG write 300 && timeout 20 tail --pid="$pid_pd" -f /dev/null
	kill $trig
	wait $trig 2>/dev/null
	stop churn
	bad=$(awk '/^@\[/ { n++ } /^--$/ { if (n) { blocks++; if (n != 300) bad++ } n = 0 }
		END { print blocks + 0, bad + 0 }' "$T/pd.out")
	[ "$bad" = "40 0" ] || { echo "# blocks, wrong blocks: $bad"; return 1; }
}
check print_beside_deleting_session t_print_beside_deleting_session

# ---- clear() of a map the run itself feeds ends, and so does Ctrl-C -------------
# (each delete syscall fired sys_enter and made @[tracevm] again: clear spun)
t_clear_self_fed_map() {
	local s='tracepoint:raw_syscalls:sys_enter /comm == "tracevm"/ { @[comm] = count(); } interval:ms:100 { print(@, 3); clear(@); }'
	timeout -k 1 10 "$TV" -e "$s interval:ms:550 { exit(); }" >"$T/cl.out" 2>&1 || return 1
	[ "$(grep -c '^@\[tracevm\]' "$T/cl.out")" -ge 4 ] || return 1
	start cl2 -e "$s" || return 1
	sleep 0.3
	kill -INT $pid_cl2
	timeout 5 tail --pid=$pid_cl2 -f /dev/null || { kill -9 $pid_cl2; return 1; }
}
check clear_self_fed_map_ends t_clear_self_fed_map

# ---- -c with a slow reader: the command's exit does not drop output ----------
# (SIGCHLD interrupted a write blocked on the full pipe; stdio dropped 4 KB)
t_slow_pipe_keeps_output() {
	"$TV" -c "$(realpath $TRIG) getppid 20000" \
		-e 'tracepoint:syscalls:sys_enter_getppid /comm == "trigger"/ { printf("event number %d\n", @n++); }' \
		2>"$T/sp.err" | (sleep 1; cat) >"$T/sp.out"
	local printed lost
	printed=$(grep -c '^event number' "$T/sp.out")
	lost=$(sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$T/sp.out")
	[ $((printed + ${lost:-0})) -eq 20000 ] || { echo "# $printed printed, ${lost:-0} lost"; return 1; }
}
check slow_pipe_keeps_output t_slow_pipe_keeps_output

# ---- uprobes: exact counts, arguments, return values, offsets, libraries ------
UT=$B/tests/uprobe_target
uprog() { # PROG NAME [ATTACH]: $T/NAME.tvs, this build's target filled in
	sed -e "s|@TARGET@|$(realpath "$UT")|" -e "s|@PROBE@|$3|" "$P/$1" >"$T/$2.tvs"
}
# tv_target(i, 2i) for i < 200: sum(a) = 19900, sum(b) = 39800, sum(ret) = 59700
t_uprobe_args() {
	uprog uprobe_args.tvs ua && start ua -A "$T/ua.tvs" || return 1
	$UT 200
	stop ua || return 1
	grep -qx '@calls: 200' "$T/ua.out" && grep -qx '@a: 19900' "$T/ua.out" &&
		grep -qx '@b: 39800' "$T/ua.out"
}
check uprobe_counts_and_args t_uprobe_args
t_uretprobe_retval() {
	uprog uretprobe_retval.tvs ur && start ur -A "$T/ur.tvs" || return 1
	$UT 200
	stop ur || return 1
	grep -qx '@calls: 200' "$T/ur.out" && grep -qx '@ret: 59700' "$T/ur.out"
}
check uretprobe_retval t_uretprobe_retval
t_uprobe_count() { # NAME ATTACH COMM N COMMAND...: ATTACH fires N times in COMM
	local name=$1 attach=$2 comm=$3 want=$4
	shift 4
	uprog uprobe_count.tvs "$name" "$attach" && start "$name" -A "$T/$name.tvs" || return 1
	"$@"
	stop "$name" || return 1
	grep -qx "@calls\[$comm\]: $want" "$T/$name.out"
}
t_uprobe_offset_address() {
	local fn second path
	path=$(realpath "$UT")
	fn=$(nm "$UT" | awk '$3 == "tv_target" { print $1 }')
	# the address of tv_target's second instruction
	second=$(objdump -d --no-show-raw-insn "$UT" |
		awk '/<tv_target>:/ { f = 1; next } f && NF { if (++i == 2) { sub(":", "", $1); print $1; exit } }')
	[ -n "$fn" ] && [ -n "$second" ] || return 1
	t_uprobe_count uo "uprobe:$path:tv_target+$((0x$second - 0x$fn))" uprobe_target 100 $UT 100 &&
		t_uprobe_count ua1 "uprobe:$path:0x$fn" uprobe_target 100 $UT 100 &&
		t_uprobe_count ua2 "uprobe:$path:0x$second" uprobe_target 100 $UT 100
}
check uprobe_func_offset_and_address t_uprobe_offset_address
# a bare library name, as bpftrace resolves it (libc: libc.so.6's .dynsym)
check uprobe_library_by_name t_uprobe_count ul u:libc:syscall trigger 300 $TRIG getppid 300

# ---- attach points that find nothing: warned of where others attach ----------
# (bpftrace drops a uprobe whose function is missing, and a tracepoint not
# found where its probe names others; tracevm says so, where it was written)
t_missing_uprobe_warns() {
	local s="uprobe:$(realpath "$UT"):tv_target,uprobe:$(realpath "$UT"):no_such_fn { @ = count(); }"
	start mu -e "$s" || return 1
	$UT 50
	stop mu
	grep -qx '@: 50' "$T/mu.out" && grep -q '^Attaching 1 probe\.\.\.$' "$T/mu.out" &&
		grep -qE "^stdin:1:[0-9]+-[0-9]+: WARNING: function 'no_such_fn' not found in " "$T/mu.err" ||
		{ echo "# $(tr '\n' '|' <"$T/mu.err" | cut -c1-300)"; return 1; }
	start mu2 --no-warnings -e "$s" && stop mu2 && ! grep -q WARNING "$T/mu2.err"
}
check missing_uprobe_in_list_warns t_missing_uprobe_warns
# alone it is the error it was; with BEGIN there is still a probe to run
err missing_uprobe_alone "uprobe:$(realpath "$UT"):no_such_fn { @ = count(); }" \
	"^stdin:1:1-[0-9]+: ERROR: function 'no_such_fn' not found in "
t_missing_uprobe_begin() {
	timeout 10 "$TV" -e "uprobe:$(realpath "$UT"):no_such_fn { } uprobe:$(realpath "$UT"):no_fn* { } BEGIN { printf(\"began\\n\"); exit(); }" \
		>"$T/mb.out" 2>"$T/mb.err" && grep -qx began "$T/mb.out" &&
		[ "$(grep -c WARNING "$T/mb.err")" = 2 ] && grep -q "WARNING: no function matching 'no_fn\*'" "$T/mb.err"
}
check missing_uprobe_with_begin_runs t_missing_uprobe_begin
t_no_probes_left() {
	timeout 10 "$TV" -e "uprobe:$(realpath "$UT"):no_fn* { }" >"$T/np.out" 2>"$T/np.err"
	[ $? = 1 ] && [ "$(tail -1 "$T/np.err")" = 'ERROR: No probes to attach' ] && [ ! -s "$T/np.out" ]
}
check no_probes_left_is_an_error t_no_probes_left
t_missing_tracepoint_in_list() {
	timeout 10 "$TV" -e 'tracepoint:syscalls:sys_enter_getppid,tracepoint:syscalls:nonexist { } BEGIN { exit(); }' \
		>"$T/mt.out" 2>"$T/mt.err" &&
		[ "$(head -1 "$T/mt.err")" = 'stdin:1:39-67: WARNING: tracepoint not found: syscalls:nonexist' ]
}
check missing_tracepoint_in_list_warns t_missing_tracepoint_in_list
err missing_tracepoint_alone 'tracepoint:syscalls:nonexist { } BEGIN { exit(); }' \
	'^stdin:1:1-29: ERROR: tracepoint not found: syscalls:nonexist$'
# a probe type the kernel lacks is refused when attached: BEGIN runs first
# (bpftrace's order), and exit() there ends the run before it
if ! "$TV" --info 2>&1 | grep -q '^  kprobe: yes'; then
	t_kprobe_missing_after_begin() {
		timeout 10 "$TV" -e 'kprobe:zzzzz { } BEGIN { printf("_success_\n"); exit(); }' >"$T/kb.out" 2>"$T/kb.err" &&
			grep -qx _success_ "$T/kb.out" &&
			grep -q '^stdin:1:1-13: WARNING: kprobe probes are not available on this kernel' "$T/kb.err" || return 1
		timeout 10 "$TV" -e 'kprobe:vfs_read { } BEGIN { printf("header\n"); }' >"$T/kb.out" 2>"$T/kb.err"
		[ $? = 1 ] && grep -qx header "$T/kb.out" &&
			grep -q "^stdin:1:1-16: ERROR: probe 'kprobe:vfs_read': kprobes are not available on this kernel" "$T/kb.err"
	}
	check kprobe_missing_refused_after_begin t_kprobe_missing_after_begin
fi

# ---- provider errors: clear, and nothing half-made ---------------------------
check error_missing_rawtracepoint t_error missing_rawtp.tvs \
	"ERROR: raw tracepoint not found: tv_no_such_raw_tracepoint"
# a uprobe's binary and function are looked up before anything is loaded:
# the error comes before "Attaching"
t_error_first() {
	t_error "$@" && ! grep -q Attaching "$T/e.out"
}
check error_uprobe_missing_file t_error_first missing_uprobe_file.tvs \
	"ERROR: uprobe target file '/nonexistent/tv_missing_binary' does not exist or is not executable"
check error_uprobe_missing_function t_error_first missing_uprobe_func.tvs \
	"ERROR: function 'tv_no_such_function' not found in /"
check error_software_unknown_event t_error bad_software.tvs \
	"ERROR: probe 'software:tv-no-such-event:1': 'tv-no-such-event' is not a software event"
check error_interval_bad_unit t_error bad_interval.tvs \
	"ERROR: probe 'interval:minutes:1': expected UNIT:COUNT"
t_uretprobe_offset_refused() {
	uprog uprobe_count.tvs uro "uretprobe:$(realpath "$UT"):tv_target+4" || return 1
	"$TV" -A "$T/uro.tvs" >/dev/null 2>"$T/uro.err"
	[ $? -eq 1 ] && grep -q 'uretprobes cannot be attached at a function offset' "$T/uro.err"
}
check error_uretprobe_at_offset t_uretprobe_offset_refused
t_hardware() { # no PMU here: a clear error; with one, the probe attaches
	if [ -e /sys/bus/event_source/devices/cpu ]; then
		start hw -A $P/hardware.tvs && stop hw
	else
		t_error hardware.tvs "ERROR: probe 'hardware:cycles': hardware counters are not available"
	fi
}
check hardware_counters_or_clear_error t_hardware
# every perf event and link made before the failing probe is closed again,
# by the attach itself: before the error is printed (the session ends after;
# a failure after more than 32 links leaves them to the reaper).  What fails
# only when attaching: running out of descriptors, at the lowest limit that
# lets a few probes attach first.
t_attach_failure_undoes_all() {
	local n
	"$TV" -A $P/late_failure.tvs -c /bin/true >/dev/null 2>&1 # pins made, warm from here
	for n in $(seq 16 80); do
		prlimit --nofile=$n "$TV" -A $P/late_failure.tvs -c /bin/true >/dev/null 2>"$T/lf.err"
		grep -qE "'rawtracepoint:m[3-9]:sys_enter': attaching failed: Too many open files" \
			"$T/lf.err" && break
	done
	[ "$n" -lt 80 ] || { cat "$T/lf.err"; return 1; }
	timeout 20 strace -f -o "$T/lf.strace" -e trace=perf_event_open,bpf,close,write \
		prlimit --nofile=$n "$TV" -A $P/late_failure.tvs -c /bin/true >/dev/null 2>"$T/lf.err"
	grep -q 'attaching failed: Too many open files' "$T/lf.err" || return 1
	awk '/perf_event_open\(|BPF_LINK_CREATE|BPF_RAW_TRACEPOINT_OPEN/ {
		if ($NF ~ /^[0-9]+$/) { made[$NF] = 1; n++ }
		next
	}
	/close\(/ { s = $0; sub(/.*close\(/, "", s); sub(/[^0-9].*/, "", s); delete made[s] }
	/write\(2, "ERROR/ { printed = 1; exit }
	END { for (f in made) left++; exit !(printed && n >= 4 && !left) }' "$T/lf.strace"
}
check attach_failure_undoes_all t_attach_failure_undoes_all

# out of descriptors while opening the pins: an error, and the pins stay
# for the session using them (a missing pin is the only one made anew)
t_pins_kept_without_descriptors() {
	start keep -A $P/count_comm.tvs || return 1
	local ino
	ino=$(stat -c %i /sys/fs/bpf/tracevm-*/sessions)
	prlimit --nofile=10 "$TV" -A $P/count_comm.tvs >/dev/null 2>"$T/nf.err"
	[ $? -eq 1 ] && grep -q '^ERROR: cannot open /sys/fs/bpf/tracevm-.*: Too many open files$' "$T/nf.err" ||
		{ cat "$T/nf.err"; return 1; }
	$TRIG getppid 40
	stop keep || return 1
	grep -qx '@calls\[trigger\]: 40' "$T/keep.out" && [ "$(stat -c %i /sys/fs/bpf/tracevm-*/sessions)" = "$ino" ]
}
check pins_kept_without_descriptors t_pins_kept_without_descriptors

# ---- --cleanup removes every pin ---------------------------------------------
t_cleanup() {
	"$TV" --cleanup && ! ls /sys/fs/bpf | grep -q '^tracevm-'
}
check cleanup_removes_pins t_cleanup

