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
