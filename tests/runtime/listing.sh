#!/bin/bash
# -l and -lv (probes, kernel types) and the command line's own messages,
# as bpftrace 0.17 prints them.
B=${1:-build}
. tests/runtime/lib.sh

# ---- messages ------------------------------------------------------------------
check version_names_bpftrace sh -c "'$TV' --version | grep -q '^tracevm v.* (bpftrace v0.17.0 compatible)\$'"
cli_err missing_script_file "ERROR: failed to open file 'no_such_file.bt': No such file or directory" \
	no_such_file.bt
# bpftrace refuses these before it asks the kernel: the same error with or without kprobes
for f in _raw_spin_lock _raw_spin_lock_irqsave _raw_spin_unlock_irqrestore queued_spin_lock_slowpath; do
	L=$((10 + ${#f}))
	err_text "banned_kretprobe_$f" "kretprobe:$f { exit(); }" \
		"stdin:1:1-$((L + 1)): ERROR: error: kretprobe:$f can't be used as it might lock up your system.
kretprobe:$f { exit(); }
$(printf "%${L}s" "" | tr " " "~")"
done
err kprobe_two_arguments 'kprobe:syscalls:sys_exit_nanosleep { exit(); }' \
	'^stdin:1:1-35: ERROR: kprobe probe type requires 1 argument$'
err kretprobe_two_arguments 'kretprobe:syscalls:sys_exit_nanosleep { exit(); }' \
	'^stdin:1:1-38: ERROR: kretprobe probe type requires 1 argument$'
err kprobe_no_argument 'kprobe { exit(); }' '^stdin:1:1-7: ERROR: kprobe probe type requires 1 argument$'
cli_err list_invalid_character "stdin:1:1-2: ERROR: invalid character '\\'
\\n
~" -l '\n'

# ---- -l: software and hardware events ------------------------------------------
# hardware events are listed from the table whether or not this machine counts them
check list_hardware_events [ "$("$TV" -l 'h:*cycles*')" = "$(printf 'hardware:%s:\n' bus-cycles cpu-cycles ref-cycles)" ]
check list_all_has_both_event_types sh -c "'$TV' -l | grep -qx hardware:cpu-cycles: && '$TV' -l | grep -qx software:cpu-clock:"

# ---- -l: uprobes -----------------------------------------------------------------
UT=$(realpath "$B/tests/uprobe_target")
mkdir "$T/bins" && cp "$UT" "$T/bins/ut_a" && cp "$UT" "$T/bins/ut_a2" && echo 'int x;' >"$T/bins/ut_a.c" &&
	cp "$B/frontend/list.o" "$T/bins/ut_a.o"
# a wildcard binary is each ELF executable or library it matches (the C
# file and the object are passed over), sorted by whole name as bpftrace
# sorts them: "ut_a2:" before "ut_a:"
check list_uprobe_binary_glob [ "$("$TV" -l "uprobe:$T/bins/ut_a*:tv_[ct]*")" = "$(printf "uprobe:$T/bins/%s\n" ut_a2:tv_caller ut_a2:tv_target ut_a:tv_caller ut_a:tv_target)" ]
# a wildcard probe type with a path: the user space types (no uretprobe)
check list_wildcard_type_with_path [ "$("$TV" -l "*:$UT:tv_t*")" = "uprobe:$UT:tv_target" ]
t_list_by_pid() { # uprobe:FUNC with -p: the process's executable, as /proc/PID/root reaches it
	"$UT" 1 3000 &
	local pid=$! out all
	out=$("$TV" -l 'uprobe:tv_t*' -p $pid)
	all=$("$TV" -l -p $pid | grep -c "^uprobe:/proc/$pid/root$UT:")
	kill $pid
	wait $pid 2>/dev/null
	[ "$out" = "uprobe:/proc/$pid/root$UT:tv_target" ] && [ "$all" -ge 3 ]
}
check list_uprobes_by_pid t_list_by_pid

# ---- uprobes in another mount namespace (a container) ----------------------------
# the binary is only at $MNT inside the namespace: with -p, bpftrace reaches it
# through /proc/PID/root
t_attach_other_mount_ns() {
	local mnt=/tmp/tv-mntns-$$ pid rc
	mkdir -p "$mnt"
	unshare -m --propagation private sh -c "mount --bind '$T/bins' '$mnt' && sleep 1 && exec '$mnt/ut_a' 1" &
	pid=$!
	sleep 0.3
	out=$(timeout 10 "$TV" -p $pid -e "uprobe:$mnt/ut_a:tv_target { printf(\"here\\n\"); exit(); }" 2>&1)
	rc=$?
	wait $pid
	rmdir "$mnt"
	[ $rc -eq 0 ] && [ "$out" = "$(printf 'Attaching 1 probe...\nhere\n')" ]
}
check uprobe_attach_other_mount_ns t_attach_other_mount_ns

# ---- uprobes with wildcards: one probe per function matched ---------------------
lang uprobe_wildcard_function "uprobe:$T/bins/ut_a:tv_tar* { printf(\"%s\\n\", probe); exit(); }" \
	"sh:$T/bins/ut_a 3" "uprobe:$T/bins/ut_a:tv_target"
# a name that is not valid in C ('$') is fine: bpftrace sanitises it for its program names
cat >"$T/namesan.c" <<'C'
int __attribute__((noinline)) fn$(void) { return 0; }
int main(void) { return fn$(); }
C
cc -o "$T/namesan" "$T/namesan.c"
lang uprobe_wildcard_dollar_name "uprobe:$T/namesan:fn* { printf(\"%s\\n\", probe); exit(); }" \
	"sh:$T/namesan" "uprobe:$T/namesan:fn\\\$"
# (no probe left to run: an error after the warning, run.sh's no_probes_left_is_an_error)
err uprobe_wildcard_no_function "uprobe:$UT:zzz* { exit(); }" "^stdin:1:1-[0-9]+: WARNING: no function matching 'zzz\\*' in $UT\$"
err uprobe_wildcard_no_binary "uprobe:$T/nope*:f* { exit(); }" "^stdin:1:1-[0-9]+: ERROR: uprobe target file '$T/nope\\*' does not exist or is not executable\$"

# ---- -l 'struct NAME': the kernel's types from BTF --------------------------------
check list_struct_name [ "$("$TV" -l 'struct path')" = "struct path" ]
# -v: the definition as bpftrace prints it (libbpf's btf_dump), then a blank line
check list_struct_definition [ "$("$TV" -lv 'struct path'; echo .)" = "$(printf 'struct path {\n\tstruct vfsmount *mnt;\n\tstruct dentry *dentry;\n};\n\n.')" ]
check list_union_names sh -c "'$TV' -l 'union *' | grep -q . && ! '$TV' -l 'union *' | grep -v '^union '"
check list_enum_definition sh -c "'$TV' -lv 'enum bpf_cmd' | head -2 | tr '\t' ' ' | grep -qx ' BPF_MAP_CREATE = 0,'"
# a wildcard matches the whole definition: 'struct task_struc*' is task_struct's too
check list_struct_wildcard_definition sh -c "'$TV' -lv 'struct task_struc*' | grep -qx 'struct task_struct {'"
# a word alone matches no name ...
check list_struct_word_alone [ -z "$("$TV" -l 'struct')" ]
