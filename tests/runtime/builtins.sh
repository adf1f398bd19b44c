#!/bin/bash
# Builtins bpftrace 0.17 reads of the probe (ctx, sargN, numaid) or
# resolves in user space when it prints (username, cgroup_path); their
# errors as bpftrace printed them.
B=${1:-build}
. tests/runtime/lib.sh

F='/comm == "trigger"/'
UT=$(realpath "$B"/tests/uprobe_target)

# ctx: the context pointer, read as kernel memory through a cast even in
# a uprobe (its pt_regs: di and si are the first two arguments); printf
# %d shows its low 32 bits, as bpftrace's does
REGS='struct r { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di; };'
lang ctx_uprobe_regs "$REGS uprobe:$UT:tv_stack_args { printf(\"%d %d\\n\", ((struct r *)ctx)->di, ((struct r *)ctx)->si); }" \
	"sh:$UT 1" '1 2'
lang ctx_interval "struct x { unsigned long x; }; interval:ms:1 { printf(\"%p %d %d\\n\", ctx, ((struct x *)ctx)->x != 0, *ctx != 0); exit(); }" \
	"sh:sleep 0.3" '0xffff[0-9a-f]{12} 1 1'
err ctx_in_begin 'BEGIN { printf("%d\n", ctx); }' 'stdin:1:24-27: ERROR: invalid program type'
err ctx_in_tracepoint 'tracepoint:syscalls:sys_enter_getppid { printf("%d\n", ctx); }' \
	'ERROR: Use args instead of ctx in tracepoint'
err ctx_in_map 'interval:ms:1 { @ = ctx; }' 'stdin:1:17-18: ERROR: context cannot be assigned to a map'

# sargN: the stack words above the return address (x86-64: an eighth
# argument is sarg1), from user memory in a uprobe
lang sarg_uprobe "uprobe:$UT:tv_stack_args { printf(\"%d %d\\n\", sarg0, sarg1); @s = sum(sarg0 + sarg1); }" \
	"sh:$UT 1" '32 64' '@s: 96'
err sarg_in_interval 'interval:ms:1 { print(sarg0); }' \
	"ERROR: The sarg0 builtin can only be used with 'kprobes' and 'uprobes' probes"
err sarg_in_uretprobe "uretprobe:$UT:tv_stack_args { print(sarg3); }" \
	"ERROR: The sarg3 builtin can only be used with 'kprobes' and 'uprobes' probes"

# numaid: a node of this machine, in the kernel and in BEGIN
MAXNODE=$(sed 's/.*[-,]//' /sys/devices/system/node/possible 2>/dev/null || echo 0)
t_numaid() {
	local out
	out=$(timeout 10 "$TV" -e 'BEGIN { printf("begin %d\n", numaid); } interval:ms:1 { printf("probe %d\n", numaid); @[numaid] = count(); exit(); }') || return 1
	for w in begin probe; do
		v=$(printf '%s\n' "$out" | sed -n "s/^$w \([0-9]*\)$/\1/p")
		[ -n "$v" ] && [ "$v" -le "$MAXNODE" ] || return 1
	done
	printf '%s\n' "$out" | grep -qE "^@\[[0-9]+\]: [0-9]+$"
}
check numaid t_numaid

# username: the uid's /etc/passwd name, as a printf %s, a map key and a
# value; a uid without an entry prints as nothing
ME=$(id -un)
lang username_values "tracepoint:syscalls:sys_enter_getppid $F { printf(\"[%s]\\n\", username); @k[username] = count(); @v = username; exit(); }" \
	"getppid 1" "\[$ME\]" "@k\[$ME\]: 1" "@v: $ME"
lang username_begin 'BEGIN { print(username); printf("%d\n", sizeof(username)); exit(); }' "" "$ME" '8'
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	lang username_unknown_uid 'tracepoint:syscalls:sys_enter_getppid /uid == 54321/ { printf("[%s] %d\n", username, uid); exit(); }' \
		"sh:setpriv --reuid=54321 --regid=54321 --clear-groups $TRIG getppid 1" '\[\] 54321'
else
	ok "username_unknown_uid # SKIP needs root and setpriv"
fi
err username_cast 'BEGIN { print((uint64)username); }' 'stdin:1:9-23: ERROR: Casts are not supported for type: "username"'
err cgroup_path_cast 'BEGIN { print((int32)cgroup_path(1)); exit(); }' \
	'stdin:1:9-22: ERROR: Casts are not supported for type: "cgroup_path"'
err username_compare 'BEGIN { if (username == "root") { exit(); } }' \
	"ERROR: Type mismatch for '==': comparing 'username' with 'string\[5\]'"

# cgroup_path: a cgroup made here, found by its id (its inode) in the
# unified hierarchy; hierarchies without it are left out, and an id in
# none prints as nothing
CG2=$(awk '$1 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$CG2" ] && mkdir "$CG2/tv-test-$$" 2>/dev/null && mkdir "$CG2/tv-test-$$/sub"; then
	ID=$(stat -c %i "$CG2/tv-test-$$/sub")
	lang cgroup_path_found "BEGIN { print(cgroup_path($ID)); printf(\"[%s] [%s]\\n\", cgroup_path($ID, \"unif*\"), cgroup_path($ID, \"nomatch\")); @v = cgroup_path($ID); @k[1] = cgroup_path($ID, \"unified\"); exit(); }" \
		"" "unified:/tv-test-$$/sub" "\[unified:/tv-test-$$/sub\] \[\]" "@v: unified:/tv-test-$$/sub" "@k\[1\]: unified:/tv-test-$$/sub"
	rmdir "$CG2/tv-test-$$/sub" "$CG2/tv-test-$$"
	lang cgroup_path_root "BEGIN { printf(\"[%s] [%s]\\n\", cgroup_path($(stat -c %i "$CG2"), \"unified\"), cgroup_path(0xfffffffff, \"unified\")); exit(); }" \
		"" '\[unified:/\] \[\]'
	lang cgroup_path_kernel "tracepoint:syscalls:sys_enter_getppid $F { printf(\"path: %s\\n\", cgroup_path(cgroup, \"unified\")); exit(); }" \
		"getppid 1" 'path: unified:/.*'
else
	rmdir "$CG2/tv-test-$$" 2>/dev/null
	for t in cgroup_path_found cgroup_path_root cgroup_path_kernel; do ok "$t # SKIP no writable cgroup2 mount"; done
fi
err cgroup_path_string_id 'BEGIN { print(cgroup_path("a")); }' \
	'stdin:1:9-31: ERROR: cgroup_path\(\) only supports integer arguments \(string provided\)'
err cgroup_path_int_filter 'BEGIN { print(cgroup_path(cgroup, 1)); }' \
	'ERROR: cgroup_path\(\) only supports string arguments \(integer provided\)'
# shellcheck disable=SC2016 # $f is the script's variable
err cgroup_path_filter_var 'BEGIN { $f = "x"; print(cgroup_path(cgroup, $f)); }' \
	'ERROR: cgroup_path\(\): the filter must be a string literal'
