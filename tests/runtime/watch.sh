#!/bin/bash
# uprobe offsets and addresses, and watchpoints: bpftrace 0.17's rules and
# words, with events the tests make themselves.
B=${1:-build}
. tests/runtime/lib.sh
UT=$(realpath $B/tests/uprobe_target)

# ---- uprobe:BIN:FUNC+OFFSET and uprobe:BIN:ADDRESS ----------------------------
size=$((0x$(nm -S "$UT" | awk '$4 == "tv_target" { print $2 }')))
err uprobe_offset_outside_function "uprobe:$UT:tv_target+100000 { }" \
	"ERROR: Offset outside the function bounds \('tv_target' size is $size\)\$"
err uprobe_address_unresolved "uprobe:$UT:10 { }" "ERROR: Could not resolve address: $UT:0xa\$"
lang uprobe_quoted_function_offset "uprobe:$UT:\"tv_target\"+0 { @ = count(); }" "sh:$UT 3" '@: 3'
