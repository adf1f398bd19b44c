#!/bin/bash
# -lv on uprobes (a function's parameters from DWARF, as bpftrace 0.17
# lists them), its errors and warnings, and --info's lines (the peer
# runner's REQUIRES_FEATURE reads them).
B=${1:-build}
. tests/runtime/lib.sh

BIN=$B/tests/dwarf_target
NODBG=$B/tests/dwarf_target_nodebug

# lv NAME PATTERN EXPECTED-OUTPUT: stdout byte for byte, status 0
lv() {
	local out rc
	out=$("$TV" -lv "$2" 2>"$T/lv.err")
	rc=$?
	if [ $rc -eq 0 ] && [ "$out" = "$3" ]; then ok "$1"; else
		nok "$1" "status $rc" "got: $(printf '%s' "$out" | tr '\n' '|')" "want: $(printf '%s' "$3" | tr '\n' '|')"
	fi
}

lv dwarf_lv_params "uprobe:$BIN:tv_dwarf_fn" "uprobe:$BIN:tv_dwarf_fn
    char c
    int* n
    struct tv_node* node
    const char* s
    char** argv
    union tv_either* e"
lv dwarf_lv_wildcard "u:$BIN:tv_dwarf_*" "uprobe:$BIN:tv_dwarf_fn
    char c
    int* n
    struct tv_node* node
    const char* s
    char** argv
    union tv_either* e
uprobe:$BIN:tv_dwarf_noargs"
lv dwarf_lv_main "uprobe:$BIN:main" "uprobe:$BIN:main"
lv dwarf_lv_uretprobe_no_args "uretprobe:$BIN:tv_dwarf_fn" "uretprobe:$BIN:tv_dwarf_fn"
lv dwarf_l_names_only "uprobe:$BIN:tv_dwarf_noargs" "uprobe:$BIN:tv_dwarf_noargs"
# without debug info: the names, and a warning naming the binary (as bpftrace)
lv dwarf_lv_nodebug "uprobe:$NODBG:tv_dwarf_fn" "uprobe:$NODBG:tv_dwarf_fn"
check dwarf_lv_nodebug_warns grep -qxF "WARNING: No DWARF found for \"$NODBG\", cannot show parameter info" "$T/lv.err"

# a binary that is not there: bpftrace's error, status 1
"$TV" -lv 'uprobe:/nonexistent/bin:*' >"$T/e.out" 2>"$T/e.err"
rc=$?
printf '%s\n' "stdin:1:1-26: ERROR: uprobe target file '/nonexistent/bin' does not exist or is not executable" \
	'uprobe:/nonexistent/bin:*' '~~~~~~~~~~~~~~~~~~~~~~~~~' >"$T/e.want"
check dwarf_lv_missing_binary test $rc -eq 1 -a ! -s "$T/e.out"
check dwarf_lv_missing_binary_message cmp -s "$T/e.err" "$T/e.want"
"$TV" -l "uprobe:$BIN" >/dev/null 2>"$T/e.err"
check dwarf_l_needs_function grep -q 'uprobe probe type requires 2 arguments' "$T/e.err"

# --info: bpftrace's sections; what it says matches this machine
"$TV" --info >"$T/info" 2>&1
check info_status test $? -eq 0
for s in System Build 'Kernel helpers' 'Kernel features' 'Map types' 'Probe types'; do
	check "info_section_${s// /_}" grep -qx "$s" "$T/info"
done
check info_dwarf grep -qxF '  libdw (DWARF support): yes' "$T/info"
btf=no
[ -r /sys/kernel/btf/vmlinux ] && btf=yes
check info_btf grep -qxF "  btf: $btf" "$T/info"
check info_os grep -qxF "  OS: $(uname -s) $(uname -r) $(uname -v)" "$T/info"
# a probe type is there when the kernel has what it needs: tracepoints always, kprobes
# when the kprobe PMU is, kfunc never (tracevm refuses it)
check info_tracepoint grep -qxF '  tracepoint: yes' "$T/info"
kp=no
[ -e /sys/bus/event_source/devices/kprobe/type ] && kp=yes
check info_kprobe grep -qxF "  kprobe: $kp" "$T/info"
check info_kfunc grep -qxF '  kfunc: no' "$T/info"

# ---- args->NAME of uprobes from DWARF ----------------------------------------
lang dwarf_arg_char "uprobe:$BIN:tv_dwarf_fn { printf(\"%c %d\\n\", args->c, args->c); exit(); }" "sh:$BIN" 'x 120'
lang dwarf_arg_pointer "uprobe:$BIN:tv_dwarf_fn { printf(\"%d\\n\", *(args->n)); exit(); }" "sh:$BIN" '13'
lang dwarf_arg_struct_fields "uprobe:$BIN:tv_dwarf_fn { printf(\"%d %d %d\\n\", args->node->len, args->node->low, args->node->high); exit(); }" "sh:$BIN" '0 1 2'
lang dwarf_cast_to_binary_struct "uprobe:$BIN:tv_dwarf_fn { \$n = (struct tv_node *)arg2; printf(\"%d %d\\n\", \$n->high, args->c == 120); exit(); }" "sh:$BIN" '2 1'
err dwarf_arg_unknown "uprobe:$BIN:tv_dwarf_fn { printf(\"%d\\n\", args->nope); }" '^stdin:1:[0-9]+-[0-9]+: ERROR: Can.t find function parameter nope$'
err dwarf_arg_without_debug_info "uprobe:$NODBG:tv_dwarf_fn { printf(\"%d\\n\", args->c); }" '^stdin:1:[0-9]+-[0-9]+: ERROR: No DWARF found for'
lang dwarf_print_struct_value "uprobe:$BIN:tv_dwarf_fn { \$n = *args->node; print(\$n.grid); printf(\"%d %d\\n\", \$n.low, \$n.high); exit(); }" "sh:$BIN" '\[\[0,0,0\],\[0,0,0\]\]' '1 2'
