#!/bin/bash
# Verifier cost of the interpreter's loop: bpf_loop (what tracevm uses)
# against a bounded for loop of N steps.  Loads only the tracepoint entry.
B=${1:-build}
load() { # extra clang flags -> verifier figures
	local o
	o=$(mktemp --suffix=.o)
	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I. -I$B "$@" -c kernel-side/bpf/tv.bpf.c -o "$o" || return
	timeout 120 $B/bench/verify_cost "$o" tv_tp
	rm -f "$o"
}
echo "bpf_loop, $(grep -o 'TV_MAX_STEPS [0-9]*' bytecode/bytecode.h | cut -d' ' -f2) steps: $(load)"
for n in 2 4 8; do
	echo "bounded for loop, $n steps: $(load -DTV_BOUNDED_STEPS=$n)"
done
