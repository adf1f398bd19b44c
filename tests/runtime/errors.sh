#!/bin/bash
# Errors found before anything runs, as bpftrace 0.17 gives them: the
# message, its location and underline, status 1, nothing attached.
B=${1:-build}
. tests/runtime/lib.sh

# ---- names the program does not define ----------------------------------------
# a typo as a map's only key was dropped: the map ran unkeyed
err_text unknown_ident_only_map_key 'BEGIN { @[comn] = count(); }' \
	"stdin:1:9-15: ERROR: Unknown identifier: 'comn'
BEGIN { @[comn] = count(); }
        ~~~~~~"
err undefined_var_only_map_key 'BEGIN { @x[$y] = 1; }' '^stdin:1:9-14: ERROR: Undefined or undeclared variable: \$y$'
err unknown_ident_read_map_key 'BEGIN { $y = @[comn]; }' "^stdin:1:14-20: ERROR: Unknown identifier: 'comn'\$"
# bpftrace places a name from the first of the tokens written together with it
err unknown_ident_second_key 'BEGIN { @x[comn, pid] = count(); }' "^stdin:1:9-16: ERROR: Unknown identifier: 'comn'\$"
# an unknown function is looked for first, everywhere, and told alone
err_text unknown_function_in_count 'BEGIN { @x = count(bar()); }' \
	"stdin:1:14-23: ERROR: Unknown function: bar
BEGIN { @x = count(bar()); }
             ~~~~~~~~~"
err unknown_function_printf_arg 'BEGIN { printf("%s\n", foo(1)); }' '^stdin:1:24-27: ERROR: Unknown function: foo$'
err unknown_function_printf_count 'BEGIN { printf("%d %d\n", foo(1)); }' '^stdin:1:27-30: ERROR: Unknown function: foo$'
err unknown_function_exit_arg 'BEGIN { exit(foo()); }' '^stdin:1:9-17: ERROR: Unknown function: foo$'
err_text unknown_function_first_only 'BEGIN { $x = comn; foo(); } END { bar(); }' \
	"stdin:1:20-23: ERROR: Unknown function: foo
BEGIN { \$x = comn; foo(); } END { bar(); }
                   ~~~"
err unknown_function_before_probes 'tracepoint:nope:nope { @x[foo()] = bar(); }' '^stdin:1:24-30: ERROR: Unknown function: foo$'

# ---- the command line -----------------------------------------------------------
P='BEGIN { exit(); }'
for bad in 0 -1 -0 4194305 4294967297; do
	cli_err "pid_out_of_range_$bad" "ERROR: pid '$bad' out of valid pid range [1,4194304]" -p "$bad" -e "$P"
done
for bad in abc 12abc 0x10 '' '12 '; do
	cli_err "pid_not_a_number_'$bad'" "ERROR: pid '$bad' is not a valid decimal number" -p "$bad" -e "$P"
done
cli_err pid_past_64_bits "ERROR: pid '18446744073709551616' outside of integer range" -p 18446744073709551616 -e "$P"
# bpftrace 0.17's words, the empty name before the colon included
cli_err pid_not_running 'ERROR: : No such process' -p 4194304 -e "$P"
# a positional parameter used as a number must be one that fits 64 bits
PF='BEGIN { printf("%d\n", $1); exit(); }'
for bad in 99999999999999999999999 9223372036854775808 18446744073709551615 -9223372036854775809 ''; do
	cli_err "param_not_int64_'$bad'" "stdin:1:24-26: ERROR: \$1 used numerically but given \"$bad\". Try using str(\$1).
$PF
                       ~~" -e "$PF" -- "$bad"
done
cli_err param_unroll_count 'stdin:1:9-18: ERROR: $1 used numerically but given "99999999999999999999"
BEGIN { unroll($1) { } exit(); }
        ~~~~~~~~~' -e 'BEGIN { unroll($1) { } exit(); }' 99999999999999999999
t_param_int64_edges() { # the largest and smallest still are numbers
	[ "$(timeout 10 "$TV" -q -e 'BEGIN { printf("%lld %lld\n", $1, $2); exit(); }' -- 9223372036854775807 -9223372036854775808)" = \
		"9223372036854775807 -9223372036854775808" ]
}
check param_int64_edges t_param_int64_edges

# ---- limits: named, checked before the work they save; long lines cut ------------
A2K=$(head -c 2000 /dev/zero | tr '\0' a)
# quick: STATUS-1, a first line matching the regex, and a few hundred bytes
small_err() { # NAME 'first line (regex)' ARGS...
	local name=$1 re=$2 rc size
	shift 2
	timeout 2 "$TV" "$@" >"$T/s.out" 2>"$T/s.err"
	rc=$?
	size=$(wc -c <"$T/s.err")
	if [ $rc -eq 1 ] && head -1 "$T/s.err" | grep -qE "$re" && [ "$size" -lt 600 ]; then
		ok "$name"
	else
		nok "$name" "status $rc, $size bytes: $(head -1 "$T/s.err" | cut -c1-200)"
	fi
}
small_err literal_limit_variable '^stdin:1:14-2016: ERROR: string literal is 2000 bytes, longer than the limit of 127$' \
	-e "BEGIN { \$x = \"$A2K\"; }"
small_err literal_limit_printf_arg '^stdin:1:24-2026: ERROR: string literal is 2000 bytes, longer than the limit of 127$' \
	-e "BEGIN { printf(\"%s\\n\", \"$A2K\"); }"
small_err literal_limit_map_key '^stdin:1:9-2013: ERROR: string literal is 2000 bytes, longer than the limit of 127$' \
	-e "BEGIN { @[\"$A2K\"] = count(); }"
{ printf 'BEGIN { printf("'; head -c 1000000 /dev/zero | tr '\0' a; printf '\\n"); }\n'; } >"$T/bigfmt.bt"
small_err format_limit_1mb "^$T/bigfmt.bt:1:9-1000020: ERROR: printf: format string is 1000001 bytes, longer than the limit of 512\$" "$T/bigfmt.bt"
small_err format_limit_time "^stdin:1:9-2016: ERROR: time: format string is 2000 bytes, longer than the limit of 512\$" \
	-e "BEGIN { time(\"$A2K\"); }"
# a long line is shown as a window around the error, the '~' under its text
PAD=$(printf '$a = 1; %.0s' $(seq 100))
t_long_line_window() { # MODE: where "@x = comn;" is on its long line
	local pre='' post='' src car lead marks
	case $1 in
	middle) pre=$PAD post=" $PAD" ;;
	start) post=" $PAD" ;;
	end) pre=$PAD ;;
	esac
	timeout 2 "$TV" -e "BEGIN { $pre@x = comn;$post }" >/dev/null 2>"$T/w.err"
	src=$(sed -n 2p "$T/w.err") car=$(sed -n 3p "$T/w.err")
	lead=${car%%~*} marks=${car#"$lead"}
	[ "$(wc -l <"$T/w.err")" = 3 ] && [ ${#src} -le 200 ] && [ "${src:${#lead}:${#marks}}" = comn ] &&
		case $1 in
		middle) [ "${src:0:3}" = ... ] && [ "${src: -3}" = ... ] ;;
		start) [ "${src:0:8}" = "BEGIN { " ] && [ "${src: -3}" = ... ] ;;
		end) [ "${src:0:3}" = ... ] && [ "${src: -2}" = " }" ] ;;
		esac
}
for where in middle start end; do
	check "long_line_window_$where" t_long_line_window $where
done

# ---- -d of assembler text: a failure is always told --------------------------------
printf '.map @caf\xc3\xa9 int key=0\n.probe BEGIN\n\texit\n' >"$T/name.tvs"
cli_err dump_asm_bad_map_name "$T/name.tvs:1:6-11: ERROR: map name '@caf\\xc3\\xa9' is not '@' alone or '@' and an identifier ([A-Za-z_][A-Za-z0-9_]*)" \
	-d -A "$T/name.tvs"
t_dump_write_error() { # stdout that cannot be written: an error, status 1
	timeout 10 "$TV" -d -A examples/getppid_count.tvs >/dev/full 2>"$T/full.err"
	[ $? -eq 1 ] && [ "$(cat "$T/full.err")" = "ERROR: cannot write the program text: No space left on device" ]
}
check dump_write_error_told t_dump_write_error
