#!/bin/bash
# Struct access through kernel BTF: curtask's fields, casts to struct
# pointers, nested structs, anonymous members, arrays, bitfields, pointer
# fields of tracepoints; BTF read only by scripts that need it; errors
# byte for byte as bpftrace 0.17 printed them.
B=${1:-build}
. tests/runtime/lib.sh

F='/comm == "trigger"/'
GP="tracepoint:syscalls:sys_enter_getppid $F"
# the trigger is this shell's child: its parent is $$, named after this file
ME=$(cut -c1-15 /proc/$$/comm)

lang btf_curtask_fields "$GP { printf(\"%d %d %s %s\\n\", curtask->pid == pid, curtask->real_parent->pid, curtask->comm, curtask->parent->comm); exit(); }" \
	"getppid 1" "1 $$ trigger $ME"
# se is a struct in task_struct, pgd is in an anonymous struct of mm_struct,
# saved_auxv an array of longs (its first entry is AT_SYSINFO_EHDR, 33)
lang btf_nested_anonymous_array "$GP { \$i = 0; printf(\"%d %d %d %d\\n\", curtask->se.vruntime > 0, curtask->mm->pgd != 0, curtask->mm->saved_auxv[0], curtask->mm->saved_auxv[\$i]); exit(); }" \
	"getppid 1" '1 1 33 33'
lang btf_casts_and_variables "$GP { \$t = (struct task_struct *)curtask; \$p = \$t->real_parent; printf(\"%d %d %d %d\\n\", ((struct task_struct *)curtask)->pid == tid, \$t->tgid == pid, \$p->pid, sizeof(struct task_struct) > 1000); exit(); }" \
	"getppid 1" "1 1 $$ 1"
# in_execve is a one-bit field: set while execve runs, clear after
lang btf_bitfield "tracepoint:sched:sched_process_exec /str(args->filename) == \"/bin/true\"/ { printf(\"exec %d\\n\", curtask->in_execve); } $GP { printf(\"getppid %d\\n\", curtask->in_execve); }" \
	"sh:/bin/true; $TRIG getppid 1" 'exec 1' 'getppid 0'
lang btf_rawtracepoint_casts "rawtracepoint:sched_process_exec /((struct task_struct *)arg0)->pid == pid/ { printf(\"%s %s\\n\", str(((struct linux_binprm *)arg2)->filename), ((struct task_struct *)arg0)->comm); }" \
	"sh:/bin/true" '/bin/true true'
# args->rqtp is a struct __kernel_timespec * into user memory
lang btf_tracepoint_pointer_field "tracepoint:syscalls:sys_enter_clock_nanosleep /comm == \"sleep\"/ { printf(\"%d %d\\n\", args->rqtp->tv_sec, args->rqtp->tv_nsec); }" \
	"sh:sleep 1.25" '1 250000000'
# the seed's struct access (a kprobe there: kprobes are not on this kernel)
lang btf_seed_struct_file "#include <linux/path.h>
#include <linux/dcache.h>
$GP
{
	\$file = (struct file *)curtask->mm->exe_file;
	\$dentry = \$file->f_path.dentry;
	printf(\"File: %s\\n\", str(\$dentry->d_name.name));
}" "getppid 1" 'File: trigger'

# ---- sizes agree with bpftool's reading of the same BTF ---------------------
t_sizeof_like_bpftool() {
	local want got
	want=$(bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n "s/^\[[0-9]*\] STRUCT 'task_struct' size=\([0-9]*\) .*/\1/p")
	got=$("$TV" -e 'BEGIN { printf("%d %d %d\n", sizeof(struct task_struct), sizeof(curtask->comm), sizeof(curtask->pid)); exit(); }' | sed -n 2p)
	[ -n "$want" ] && [ "$got" = "$want 16 4" ]
}
check btf_sizeof_like_bpftool t_sizeof_like_bpftool

# ---- BTF is opened by scripts with struct access, by no other --------------
t_btf_only_when_needed() {
	strace -f -e trace=open,openat -o "$T/s1" "$TV" -e 'BEGIN { printf("%d\n", curtask > 0); exit(); }' >/dev/null &&
		strace -f -e trace=open,openat -o "$T/s2" "$TV" -e 'BEGIN { printf("%d\n", sizeof(struct task_struct)); exit(); }' >/dev/null &&
		! grep -q /sys/kernel/btf "$T/s1" && grep -q /sys/kernel/btf/vmlinux "$T/s2"
}
check btf_opened_only_when_needed t_btf_only_when_needed

# ---- the script's own types, records as values, BEGIN/END in the kernel ---
lang script_struct_layout 'struct S { int a; short b[3]; char c; } struct T { char c; struct S s; long l; } BEGIN { printf("%d %d\n", sizeof(struct S), sizeof(struct T)); exit(); }' '' '12 24'
lang script_struct_overrides_kernel 'struct task_struct { int x; } interval:ms:1 { printf("%d\n", sizeof(struct task_struct)); exit(); }' 'sh:sleep 0.05' '4'
lang script_struct_over_memory 'struct P { int pid; int tgid; } interval:ms:1 { $p = (struct P *)curtask; printf("%d\n", $p->tgid == *(int32 *)((uint64)curtask + 4)); exit(); }' 'sh:sleep 0.05' '1'
# a record read into a variable once, its fields then read from it
lang record_in_variable 'interval:ms:1 { $l = curtask->se.load; printf("%d\n", $l.weight == curtask->se.load.weight && $l.inv_weight == curtask->se.load.inv_weight); exit(); }' 'sh:sleep 0.05' '1'
lang record_compare 'interval:ms:1 { $a = curtask->se.load; printf("%d %d\n", $a == curtask->se.load, $a != curtask->se.load); exit(); }' 'sh:sleep 0.05' '1 0'
lang int_pointer_index 'interval:ms:1 { $p = (int32 *)curtask; printf("%d\n", $p[1] == *(int32 *)((uint64)curtask + 4)); exit(); }' 'sh:sleep 0.05' '1'
lang begin_reads_kernel_in_the_kernel 'BEGIN { printf("%d %s\n", curtask->pid == pid, curtask->comm); exit(); }' '' '1 tracevm'
lang end_reads_kernel_in_the_kernel 'BEGIN { exit(); } END { printf("end %d\n", curtask->tgid == pid); }' '' 'end 1'
# a script's struct holding a kernel struct by value: laid out with BTF's size and alignment
lang script_struct_holds_kernel_struct "struct ts { char c; struct __kernel_timespec t; } struct foo { char c; struct task_struct t; } $GP { \$f = (struct foo *)((uint64)curtask - (sizeof(struct foo) - sizeof(struct task_struct))); printf(\"%d %d\\n\", sizeof(struct ts), \$f->t.pid == pid); exit(); }" \
	"getppid 1" '24 1'
err script_struct_syntax_error 'BEGIN { } struct A { int x[4] q; }' '^stdin:1:[0-9]+-[0-9]+: ERROR: '
# C declaration errors are printed as bpftrace prints its C parser's: "error:"
err script_struct_decl_error 'struct A { int x[4] q; } BEGIN { }' "^stdin:1:21-23: error: expected ';' before 'q'$"
# a script's redefinition of a kernel struct sees no kernel definitions (as in bpftrace)
err script_redefinition_sees_no_btf 'struct task_struct { struct thread_info x; } BEGIN { printf("%d\n", curtask->x.status); }' \
	"^stdin:1:41-43: error: field 'x' has incomplete type 'struct thread_info'$"
err array_index_out_of_bounds 'struct A { int x[4]; } interval:ms:1 { $a = (struct A *)curtask; @ = $a->x[5]; }' '^stdin:1:[0-9]+-[0-9]+: ERROR: the index 5 is out of bounds for array of size 4$'

# ---- errors -----------------------------------------------------------------
err btf_error_field_of_string 'BEGIN { printf("%d\n", curtask->comm->x); exit(); }' \
	"^stdin:1:24-39: ERROR: The dereference operator can not be used on expressions of type 'string\\[16\\]'"
err btf_error_struct_value_too_large 'tracepoint:syscalls:sys_enter_getppid { @s = *curtask->signal; exit(); }' '^stdin:1:46-[0-9]+: ERROR: a value of 1152 bytes is too large for a map \(at most 256\)'
err btf_error_record_key_too_large 'tracepoint:syscalls:sys_enter_getppid { @[*curtask->cgroups] = 1; exit(); }' '^stdin:1:41-61: ERROR: a key of 544 bytes is too large for a map \(at most 504\)$'
# byte for byte what bpftrace 0.17 printed (golden/btf/*.err), status 1
while IFS=$'\t' read -r name prog; do
	"$TV" -e "$prog" >"$T/b.out" 2>"$T/b.err"
	rc=$?
	if [ $rc -eq 1 ] && cmp -s "$T/b.err" tests/runtime/golden/btf/$name.err && ! grep -q Attaching "$T/b.out"; then
		ok "btf_golden_$name"
	else
		nok "btf_golden_$name" "status $rc" "$(diff "$T/b.err" tests/runtime/golden/btf/$name.err | head -5 | tr '\n' '|')"
	fi
done <tests/runtime/golden/btf/errors.txt
