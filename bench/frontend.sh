#!/bin/bash
# Frontend cost: a 200-line script from main() to a validated image (as -v
# reports it; -d stops before anything is loaded), and its instruction count.
B=${1:-build}
for i in 1 2 3 4 5; do
	$B/tracevm -v -d bench/progs/lines200.bt 2>&1 >/dev/null | grep ready
done
if command -v valgrind >/dev/null; then
	valgrind --tool=callgrind --callgrind-out-file=/dev/null $B/tracevm -d bench/progs/lines200.bt 2>&1 >/dev/null |
		grep -o 'Collected : [0-9]*' | sed 's/Collected :/instructions, whole process:/'
fi
