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
