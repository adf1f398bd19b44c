#!/bin/bash
# -f json records as bpftrace 0.17 writes them: what system() printed,
# cat()'s file, join(), printf's escapes, emptied histograms.
B=${1:-build}
. tests/runtime/lib.sh

# json NAME 'line (regex)' ARGS...: a run with -f json prints a line matching
json() {
	local name=$1 re=$2
	shift 2
	timeout 10 "$TV" -f json "$@" >"$T/j.out" 2>"$T/j.err"
	if grep -qE "^$re\$" "$T/j.out"; then ok "$name"; else nok "$name" "$(tr '\n' '|' <"$T/j.out" | cut -c1-300)" "$(head -3 "$T/j.err" | tr '\n' '|')"; fi
}

json json_printf_escapes '\{"type": "printf", "data": "test \\r \\n \\t \\\\ \\" bar"\}' \
	-q -e 'BEGIN { printf("test \r \n \t \\ \" bar"); exit(); }'
json json_system_output '\{"type": "syscall", "data": "a b c\\n"\}' \
	--unsafe -e 'BEGIN { system("echo a b c"); exit(); }'
json json_cat_file '\{"type": "cat", "data": "tracevm\\n"\}' \
	-e 'BEGIN { cat("/proc/self/comm"); exit(); }'
# -c splits at spaces only, as bpftrace 0.17: the quotes reach the program
json json_join_record "\\{\"type\": \"join\", \"data\": \"/bin/echo,'A'\"\\}" \
	-e 'tracepoint:syscalls:sys_enter_execve { join(args->argv, ","); }' -c "/bin/echo 'A'"
json json_hist_zeroed '\{"type": "hist", "data": \{"@hist": \[\]\}\}' \
	-q -e 'BEGIN { @hist = hist(2); zero(@hist); exit(); }'
json json_lhist_zeroed '\{"type": "hist", "data": \{"@h": \[\]\}\}' \
	-q -e 'BEGIN { @h = lhist(2, 0, 100, 10); zero(@h); exit(); }'
json json_hist_keyed_zeroed '\{"type": "hist", "data": \{"@g": \{"1": \[\], "2": \[\]\}\}\}' \
	-q -e 'BEGIN { @g[1] = hist(2); @g[2] = hist(3); zero(@g); exit(); }'
json json_tuple_nested '\{"type": "map", "data": \{"@": \[1,2,"string",\[4,5\]\]\}\}' \
	-q -e 'BEGIN { @ = (1, 2, "string", (4, 5)); exit(); }'
cli_err json_invalid_format 'ERROR: Invalid output format "jsonx"' -q -f jsonx -e 'BEGIN { exit(); }'

t_dash_c_words() { # empty words stay: "a  b" is a, "", b
	timeout 10 "$TV" -q -c "/usr/bin/printf [%s] a  'b'" -e 'BEGIN { }' >"$T/c.out" 2>&1 &&
		grep -qx "\\[a\\]\\[\\]\\['b'\\]" "$T/c.out"
}
check dash_c_splits_at_spaces t_dash_c_words

# a read through a pointer made from a number: bpftrace names probe_read
json json_helper_error_plain '\{"type": "helper_error", "helper": "probe_read", "retcode": -14, "line": 1, "col": 37\}' \
	-kk -q -e 'struct foo {int a;}; BEGIN { $tmp = ((struct foo*) 0)->a; exit(); }'
t_helper_error_text() {
	timeout 10 "$TV" -kk -q -e 'struct foo {int a;}; BEGIN { $tmp = ((struct foo*) 0)->a; exit(); }' >/dev/null 2>"$T/h.err"
	grep -q '^stdin:1:37-.*: WARNING: Failed to probe_read: Bad address (-14)$' "$T/h.err"
}
check helper_error_plain_text t_helper_error_text
