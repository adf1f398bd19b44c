#!/bin/bash
# shellcheck disable=SC2016 # the scripts are BpfScript: their $ are its own
# Functions bpftrace 0.17 has, their values as it prints them: bswap at a
# cast's width, pton, macaddr, buf of members and its equality, char arrays
# read whole, cat's byte limit and errors.
B=${1:-build}
. tests/runtime/lib.sh

# golden NAME 'script' [ARGS...]: stdout byte for byte what bpftrace 0.17
# printed for it (golden/funcs/NAME.out)
golden() {
	local name=$1 prog=$2
	shift 2
	if timeout 10 "$TV" -e "$prog" "$@" >"$T/g.out" 2>"$T/g.err" &&
		cmp -s "$T/g.out" "tests/runtime/golden/funcs/$name.out"; then
		ok "$name"
	else
		nok "$name" "$(diff "$T/g.out" "tests/runtime/golden/funcs/$name.out" | head -5 | tr '\n' '|')" \
			"$(head -3 "$T/g.err" | tr '\n' '|')"
	fi
}

golden bswap_cast_widths 'BEGIN { $y = (int32)0x12345678; printf("%x %x %x %x %d\n", bswap((int32)0x12345678), bswap((int16)0x1234), bswap((int8)0x12), bswap($y), sizeof($y)); exit(); }'
golden pton_values 'BEGIN { print(pton("127.0.0.1")); print(pton("255.2.3.4")); @a = pton("::1"); @b[pton("1.2.3.4")] = 1; $x = pton("10.0.0.1"); printf("%s %s %s %d %d\n", ntop(2, pton("127.0.0.1")), ntop(10, pton("fe80::1")), ntop($x), $x[0], sizeof(pton("::1"))); exit(); }'
golden buf_equality 'BEGIN { $a = buf("hi", 2); $b = buf("bye", 3); $c = buf("hix", 2); printf("%d %d %d %d\n", $a == $a, $a != $b, $a == $b, $a == $c); exit(); }'

# a record's members: a pointer and arrays through buf(), a MAC address
# printed, as a key, a value and in a tuple, "hello" in a char[5] (no NUL)
FT=$(realpath "$B/tests/funcs_target")
REC='struct R { const char *p; char b[4]; uint8_t mac[6]; char s[5]; char after; };'
golden members_buf_macaddr "$REC uprobe:$FT:tv_funcs { \$r = (struct R *)arg0; printf(\"%r|%r|%r|%r|%s|%s\\n\", buf(\$r->p, 4), buf(\$r->b, 4), buf(\$r->b, 2), buf(\$r->mac), \$r->s, macaddr(\$r->mac)); @k[macaddr(\$r->mac)] = 1; @v = macaddr(\$r->mac); @s = \$r->s; \$m = macaddr(\$r->mac); print((\$m, 7)); }" -c "$FT"

# a tracepoint's u8 addr[6] is read from the context: 4 bytes, then 2
if [ -d /sys/kernel/tracing/events/bridge/br_fdb_add ]; then
	"$TV" -d -e 'tracepoint:bridge:br_fdb_add { printf("%s\n", macaddr(args->addr)); }' >"$T/d.out" 2>&1
	check macaddr_tracepoint_field grep -q 'ctx r1, u4, 16|st r1, u4, 384|ctx r1, u2, 20|st r1, u2, 388|' <(tr '\n\t' '|' <"$T/d.out" | tr -s '|')
fi

# (bpftrace marks the print() around them)
err pton_invalid 'BEGIN { print(pton("1.2.3")); }' '^stdin:1:9-28: ERROR: pton\(\) expects a valid IPv4/IPv6 address, got 1\.2\.3$'
err pton_not_literal 'BEGIN { $s = "1.2.3.4"; print(pton($s)); }' '^stdin:1:25-39: ERROR: pton\(\) expects an string argument of an IPv4/IPv6 address, got $'
err macaddr_size 'BEGIN { print(macaddr("abcdef")); }' '^stdin:1:9-32: ERROR: macaddr\(\) argument must be 6 bytes in size$'
err macaddr_type_name "$REC uprobe:$FT:tv_funcs { \$m = macaddr(((struct R *)arg0)->mac); \$m = 1; }" "ERROR: Type mismatch for \\\$m: trying to assign value of type 'int64' when variable already contains a value of type 'mac_address'\$"
err macaddr_literal 'BEGIN { print(macaddr("abcde")); }' '^stdin:1:9-31: ERROR: macaddr\(\) does not support literal string arguments$'

# cat(): BPFTRACE_CAT_BYTES_MAX bytes at most; a file that cannot be read
# is told as bpftrace tells it, and the script goes on
cat_out() { # NAME 'expected stdout' [VAR=VALUE]: the environment it runs in
	local name=$1 want=$2
	shift 2
	env "$@" timeout 10 "$TV" -q -e 'BEGIN { cat("/proc/sys/kernel/ostype"); printf("|\n"); exit(); }' >"$T/c.out" 2>"$T/c.err"
	if [ "$(cat "$T/c.out")" = "$want" ]; then ok "$name"; else nok "$name" "$(tr '\n' '|' <"$T/c.out")"; fi
}
cat_out cat_bytes_max 'Lin|' BPFTRACE_CAT_BYTES_MAX=3
cat_out cat_bytes_max_zero '|' BPFTRACE_CAT_BYTES_MAX=0
cat_out cat_whole_file "$(printf 'Linux\n|')"
BPFTRACE_CAT_BYTES_MAX=abc cli_err cat_bytes_max_invalid "ERROR: Env var 'BPFTRACE_CAT_BYTES_MAX' did not contain a valid uint64_t, or was zero-valued." -e 'BEGIN { exit(); }'
timeout 10 "$TV" -q -e 'BEGIN { cat("/does/not/exist/file"); cat("/"); printf("after\n"); exit(); }' >"$T/c.out" 2>"$T/c.err"
check cat_missing_file test "$(cat "$T/c.err")" = "ERROR: failed to open file '/does/not/exist/file': No such file or directory
ERROR: failed to open file '/': Is a directory"
check cat_missing_file_goes_on grep -qx after "$T/c.out"
# uptr/kptr: the memory a read goes to (a kernel read of a user address faults: empty)
lang uptr_kptr 'tracepoint:syscalls:sys_enter_openat /comm == "trigger"/ { printf("%s|%s|%d\n", str(uptr(args->filename)), str(kptr(args->filename)), uptr(7)); }' \
	"write 1" '/dev/null\|\|7'
err uptr_string 'BEGIN { print(uptr("a")); }' '^stdin:1:9-24: ERROR: uptr\(\) expects an integer or a pointer type$'
