#!/bin/bash
# Positional parameters where bpftrace takes them as literals: in attach
# points, as integer literals, and str($N) (+ k) as a string literal.
B=${1:-build}
. tests/runtime/lib.sh

out2() { "$TV" "$@" 2>&1 | sed -n 2p; } # the line after "Attaching N probe..."

t_attach_param() { # i:ms:$1, BEG$1, i:$1:$2 and "$1 {" as bpftrace: the text put in
	[ "$(out2 -e 'i:ms:$1 { printf("hello world\n"); exit(); }' 1)" = "hello world" ] &&
		[ "$(out2 -e 'BEG$1 { printf("hello world\n"); exit(); }' IN)" = "hello world" ] &&
		[ "$(out2 -e 'i:$1:$2 { printf("two\n"); exit(); }' ms 10)" = "two" ] &&
		[ "$(out2 -e '$1 { printf("whole\n"); exit(); }' BEGIN)" = "whole" ]
}
check positional_attachpoint t_attach_param
# a quoted "$1" is kept as written; an index with text after it is an error
cli_err positional_attach_trailing "stdin:1:1-10: ERROR: Found trailing text '\$2' in positional parameter index. Try quoting the trailing text.
i:ms:\$1\$2 { exit(); }
~~~~~~~~~" -e 'i:ms:$1$2 { exit(); }' 1 0
cli_err positional_attach_zero 'stdin:1:7-15: ERROR: param $0 is out of integer range [1, 9223372036854775807]
BEGIN,i:ms:1$0 { exit(); }
      ~~~~~~~~' -e 'BEGIN,i:ms:1$0 { exit(); }' 1

t_str_offset() { # str($N + k): the text from k on, a number's text too
	[ "$(out2 -e 'BEGIN { printf("%s", str($1 + 1)); exit(); }' hello)" = "ello" ] &&
		[ "$(out2 -e 'BEGIN { printf("%s|%s|\n", str(2 + $1), str($1 + 5)); exit(); }' hello)" = "llo||" ] &&
		[ "$(out2 -e 'BEGIN { printf("%s\n", str($1 + 1)); exit(); }' 12)" = "2" ]
}
check positional_pointer_arithmetics t_str_offset
cli_err positional_str_offset_too_far 'stdin:1:32-35: ERROR: only addition of a single constant less or equal to the length of $1 (which is 5) is allowed inside str()
BEGIN { printf("%s|\n", str($1 + 7)); exit() }
                               ~~~' -e 'BEGIN { printf("%s|\n", str($1 + 7)); exit() }' hello
cli_err positional_str_offset_nested 'stdin:1:25-42: ERROR: str() only accepts positional parameters directly or with a single constant offset added
BEGIN { printf("%s|\n", str(($1 + 1) + 1)); exit() }
                        ~~~~~~~~~~~~~~~~~' -e 'BEGIN { printf("%s|\n", str(($1 + 1) + 1)); exit() }' hello

t_str_literal() { # kaddr(str($1)) is kaddr("vfs_read")
	[ "$(out2 -e 'BEGIN { @ = kaddr(str($1)); exit() }' vfs_read)" = "" ] &&
		[ "$("$TV" -e 'BEGIN { @ = kaddr(str($1)); exit() }' vfs_read | tail -1)" = \
			"$("$TV" -e 'BEGIN { @ = kaddr("vfs_read"); exit() }' | tail -1)" ]
}
check positional_as_string_literal t_str_literal
cli_err positional_str_offset_not_literal 'stdin:1:9-29: ERROR: kaddr() expects a string literal (string provided)
BEGIN { @=kaddr(str($1 + 1)); exit() }
        ~~~~~~~~~~~~~~~~~~~~' -e 'BEGIN { @=kaddr(str($1 + 1)); exit() }' vfs_read

t_int_literal() { # an integer $N where a literal is needed: strncmp's length, buf's
	[ "$(out2 -e 'BEGIN { if (strncmp("hello", "hell", $1) == 0) { printf("ok\n"); } exit(); }' 3)" = "ok" ] &&
		[ "$("$TV" -e 'BEGIN { @ = buf("hello", $1); exit(); }' 2 | tail -1)" = "@: he" ] &&
		"$TV" -e 'BEGIN { @ = lhist(5, $1, $2, 1); exit(); }' 0 10 | grep -q '^\[5, 6) *1 '
}
check positional_integer_literal t_int_literal
