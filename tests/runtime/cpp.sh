#!/bin/bash
# The preamble's preprocessor: #include "..." beside the script and <...>
# in -I directories, a missing header as bpftrace tells it, function-like
# macros in declarations, #undef, #if expressions, include guards,
# #pragma once, recursion and its limit, a user header's own error with
# its file:line, glibc headers that merely have to be tolerated.
B=${1:-build}
. tests/runtime/lib.sh

mkdir -p "$T/hdr/inc"
cat >"$T/hdr/my.h" <<'EOF'
#pragma once
#include "my.h"
#define SQ(x) ((x) * (x))
#define NAME_LEN SQ(4)
#define GREETING "hi" " there"
struct rec { char name[NAME_LEN]; int v; };
enum color { RED = 3, GREEN };
EOF
cat >"$T/hdr/inc/other.h" <<'EOF'
#ifndef OTHER_H
#define OTHER_H
#include <other.h>
#define SUM 1 + \
   2
#if defined(OTHER_H) && (SUM * 2 == 5) && __x86_64__ && __CHAR_BIT__ == 8
#define PICKED 1
#elif SUM
#define PICKED 2
#endif
struct pair { long a, b; };
#endif
EOF
cat >"$T/hdr/bad.h" <<'EOF'
struct ok { int a; };
struct bad { int x int y; };
EOF
printf '#include "loop.h"\n' >"$T/hdr/loop.h"
cat >"$T/hdr/s.bt" <<'EOF'
#include "my.h"
#include <other.h>
BEGIN { printf("%d %d %d %d %d %s %d\n", sizeof(struct rec), GREEN, SUM, sizeof(struct pair), NAME_LEN, GREETING, PICKED); exit(); }
EOF

t_include_quoted_and_dir() { # "..." beside the script, <...> in -I; from another directory too
	local tv
	tv=$(realpath "$TV")
	[ "$(cd / && "$tv" -q -I "$T/hdr/inc" "$T/hdr/s.bt" | head -1)" = "20 4 3 16 16 hi there 1" ] # SUM * 2 is 1 + 2 * 2
}
check include_quoted_beside_script_and_angled_in_I t_include_quoted_and_dir

t_include_missing() { # as bpftrace: "file not found", the header, the place; status 1
	"$TV" "$T/hdr/s.bt" >"$T/m.out" 2>"$T/m.err"
	[ $? -eq 1 ] && head -1 "$T/m.err" | grep -qxF "$T/hdr/s.bt:2:1-19: ERROR: 'other.h' file not found" &&
		! grep -q Attaching "$T/m.out"
}
check include_without_its_dir_not_found t_include_missing
err include_missing_system '#include <lol/no.h>
BEGIN { exit(); }' "^stdin:1:1-20: ERROR: 'lol/no.h' file not found$"
t_include_cli_missing() {
	"$TV" --include lol/no.h -e 'BEGIN { exit(); }' 2>&1 | grep -q "'lol/no.h' file not found"
}
check include_option_missing_header t_include_cli_missing

t_user_header_error() { # the user's header: its own file:line, at the #include
	"$TV" -e "#include \"$T/hdr/bad.h\"
BEGIN { exit(); }" 2>&1 | head -1 | grep -qF "error: $T/hdr/bad.h:2:20: expected ';' before 'int'" # clang's word, as bpftrace prints it
}
check user_header_error_has_file_line t_user_header_error
t_include_depth() {
	"$TV" -e "#include \"$T/hdr/loop.h\"
BEGIN { exit(); }" 2>&1 | head -1 | grep -q "#include nested too deeply (the limit is 64)"
}
check include_recursion_limit t_include_depth

t_function_macro_decl() { # a function-like macro (with ##) in a struct declaration
	[ "$("$TV" -q -e '#define FIELD(t, n) t n##_v; char n##_name[4]
#define ARR(n) int arr[(n) + 1]
struct Foo { FIELD(int, x); ARR(3); }
BEGIN { printf("%d\n", sizeof(struct Foo)); exit(); }')" = 24 ]
}
check function_like_macro_in_struct t_function_macro_decl

t_undef() { # #undef: the name is gone, for #ifdef and for the script
	[ "$("$TV" -q -e '#define A 3
#undef A
#ifdef A
#define B 1
#else
#define B 2
#endif
#define A 5
BEGIN { printf("%d\n", A * 10 + B); exit(); }')" = 52 ] &&
		"$TV" -q -e '#define A 3
#undef A
BEGIN { printf("%d\n", A); exit(); }' 2>&1 | grep -q "Unknown identifier: 'A'"
}
check undef_removes_macro t_undef

t_macro_values() { # bodies that are expressions of other macros, or strings
	[ "$("$TV" -q -e '#define A 1
#define B (A + 2) * 4
#define C (B > 10 ? 0x10UL : -1)
#define S "x=" "y"
BEGIN { printf("%d %d %s\n", B, C, S); exit(); }')" = "12 16 x=y" ]
}
check macro_values_from_expressions t_macro_values

t_glibc_headers() { # merely including glibc headers works; their enum-backed macros are values
	[ -f /usr/include/stdio.h ] || return 0
	out=$("$TV" -q -e '#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <pthread.h>
#include <sys/xattr.h>
#include <sys/stat.h>
BEGIN { printf("%d %d %d\n", EPERM, sizeof(struct timespec), XATTR_REPLACE); exit(); }' 2>&1) &&
		[ "$out" = "1 16 2" ]
}
check glibc_headers_tolerated t_glibc_headers

err cpp_error_directive '#error no good
BEGIN { exit(); }' '^stdin:1:1-15: ERROR: #error no good$'
err cpp_unterminated_if '#if 1
BEGIN { exit(); }' '^stdin:1:1-6: ERROR: unterminated conditional directive$'
err cpp_if_division_by_zero '#if 1 / 0
#endif
BEGIN { exit(); }' 'division by zero in #if'

# a name #defined as an expression is that expression, as one operand
# (nested names as C expands them: Y is pid + 1 * 2)
lang cpp_expression_macros '#define X pid + 1
#define Y X * 2
#define C comm
#define K @m[1]
#define PRED pid > 0 && comm == "trigger"
tracepoint:syscalls:sys_enter_getppid /PRED/ { @m[1] = 5; printf("%d %d %s %d\n", X - pid, Y - pid, C, K); exit(); }' \
	"getppid 1" "1 2 trigger 5"
err cpp_expression_macro_not_one '#define BAD )
BEGIN { printf("%d\n", BAD); exit(); }' '^stdin:2:24-27: ERROR: BAD: its #define is not an expression: \)$'
err cpp_expression_macro_self '#define X X + 1
BEGIN { printf("%d\n", X); exit(); }' "^stdin:2:24-25: ERROR: Unknown identifier: 'X'$"

t_help_lists_I() { "$TV" -h | grep -q -- '-I DIR'; }
check help_lists_include_dirs t_help_lists_I

echo "1..$n"
