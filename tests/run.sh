#!/bin/sh
# Runs every test: cmocka unit tests (TAP output), then the runtime tests.
# Ends with "N passed, N failed" and exits non-zero on any failure.
B=${1:-build}
pass=0 fail=0 skip=0
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

count() { # $1 = TAP text; cmocka marks a skipped test "not ok N # SKIP"
	p=$(printf '%s\n' "$1" | grep -c '^ok ')
	s=$(printf '%s\n' "$1" | grep -c '^not ok .*# SKIP')
	f=$(printf '%s\n' "$1" | grep -c '^not ok ')
	pass=$((pass + p)) fail=$((fail + f - s)) skip=$((skip + s))
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$(CMOCKA_MESSAGE_OUTPUT=tap "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^(not ok|# )' | sed "s|^|$(basename "$t"): |"
	count "$out"
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep '^not ok ' | grep -vq '# SKIP'; then
		echo "not ok - $(basename "$t") exited with $rc"; fail=$((fail + 1))
	fi
done

for r in tests/runtime/*.sh; do
	[ -x "$r" ] || continue # lib.sh is sourced, not run
	out=$("$r" "$B" 2>&1)
	printf '%s\n' "$out" | grep -v '^ok ' | sed "s|^|$(basename "$r"): |"
	count "$out"
done

# a short run of the frontend fuzzer (make fuzz runs it longer)
if [ -x "$B/fuzz/fuzz_frontend" ]; then
	corpus=$(mktemp -d)
	if "$B/fuzz/fuzz_frontend" -max_total_time="${FUZZ_SECONDS:-10}" -timeout=10 -artifact_prefix="$B/fuzz/" "$corpus" \
		tests/fuzz/corpus >"$corpus.log" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "not ok - fuzz_frontend:"; grep -v '^#' "$corpus.log" | grep -E 'ERROR|SUMMARY|==[0-9]+==|Test unit' | head -5
	fi
	grep -E '^Done|#[0-9]+ +DONE' "$corpus.log" | tail -1 | sed 's/^/# fuzz: /'
	rm -rf "$corpus" "$corpus.log"
fi

[ "$skip" -eq 0 ] || echo "# $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
