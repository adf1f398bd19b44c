#!/bin/bash
# The ternary operator as a statement: its branches may be calls without
# a value (printf, exit), run as an if/else would run them.
B=${1:-build}
. tests/runtime/lib.sh

lang ternary_stmt_printf 'interval:ms:1 { nsecs ? printf("yes\n") : printf("no") ; exit(); }' '' 'yes'
lang ternary_stmt_else 'BEGIN { 0 ? printf("yes\n") : printf("no\n"); exit(); }' '' 'no'
t_ternary_stmt_exit() { # exit() in the branch taken ends the probe there
	timeout 10 "$TV" -q -e 'BEGIN { $x = 1; $x ? exit() : printf("no\n"); printf("after\n"); }' >"$T/t.out" 2>&1 &&
		! grep -q 'no\|after' "$T/t.out"
}
check ternary_stmt_exit t_ternary_stmt_exit
err ternary_tuple_unsupported 'BEGIN { $x = 1; $t = $x ? (1, "a") : (2, "b"); }' '^stdin:1:22-46: ERROR: Ternary return type unsupported tuple$'
