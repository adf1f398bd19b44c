#!/bin/bash
# -k and -kk as bpftrace 0.17: a map helper that fails is warned of on
# stderr with its place in the script, in the kernel and in BEGIN (vm/).
# -k: a delete of a missing key; -kk: also a lookup's miss, a faulting read.
B=${1:-build}
. tests/runtime/lib.sh

# warns NAME OPTS 'script' 'whole stderr without the attach notice'
warns() {
	local name=$1 opts=$2 script=$3 want=$4 got
	# shellcheck disable=SC2086 # opts: -k or -kk, or none
	got=$(timeout 10 "$TV" $opts -e "$script" 2>&1 >/dev/null)
	if [ "$got" = "$want" ]; then ok "$name"; else
		nok "$name" "got: $(printf '%s' "$got" | tr '\n' '|')" "want: $(printf '%s' "$want" | tr '\n' '|')"
	fi
}

DEL='i:ms:1 { @[1] = 1; delete(@[2]); exit(); }'
warns k_delete_missing_kernel -k "$DEL" 'stdin:1:20-32: WARNING: Failed to map_delete_elem: No such file or directory (-2)
i:ms:1 { @[1] = 1; delete(@[2]); exit(); }
                   ~~~~~~~~~~~~'
warns no_k_no_warning '' "$DEL" ''
LOOK='i:ms:1 { @[1] = 1; printf("%d\n", @[2]); exit(); }'
warns kk_lookup_missing_kernel -kk "$LOOK" 'stdin:1:35-39: WARNING: Failed to map_lookup_elem: 0
i:ms:1 { @[1] = 1; printf("%d\n", @[2]); exit(); }
                                  ~~~~'
warns k_lookup_not_warned -k "$LOOK" ''

# BEGIN runs in vm/: the same warnings, in order, at bpftrace's places
# (x++ all of it, ++x its operator, x op= the map)
warns kk_begin_vm -kk 'BEGIN { @x[1] = 1; $a = @x[2]; @x[3]++; ++@x[4]; @x[5] += 1; delete(@x[6]); exit(); }' \
	'stdin:1:25-30: WARNING: Failed to map_lookup_elem: 0
BEGIN { @x[1] = 1; $a = @x[2]; @x[3]++; ++@x[4]; @x[5] += 1; delete(@x[6]); exit(); }
                        ~~~~~
stdin:1:32-39: WARNING: Failed to map_lookup_elem: 0
BEGIN { @x[1] = 1; $a = @x[2]; @x[3]++; ++@x[4]; @x[5] += 1; delete(@x[6]); exit(); }
                               ~~~~~~~
stdin:1:41-43: WARNING: Failed to map_lookup_elem: 0
BEGIN { @x[1] = 1; $a = @x[2]; @x[3]++; ++@x[4]; @x[5] += 1; delete(@x[6]); exit(); }
                                        ~~
stdin:1:50-55: WARNING: Failed to map_lookup_elem: 0
BEGIN { @x[1] = 1; $a = @x[2]; @x[3]++; ++@x[4]; @x[5] += 1; delete(@x[6]); exit(); }
                                                 ~~~~~
stdin:1:62-75: WARNING: Failed to map_delete_elem: No such file or directory (-2)
BEGIN { @x[1] = 1; $a = @x[2]; @x[3]++; ++@x[4]; @x[5] += 1; delete(@x[6]); exit(); }
                                                             ~~~~~~~~~~~~~'
warns k_begin_vm_delete_only -k 'BEGIN { @s[1] = "a"; $t = @s[2]; delete(@s[3]); exit(); }' \
	'stdin:1:34-47: WARNING: Failed to map_delete_elem: No such file or directory (-2)
BEGIN { @s[1] = "a"; $t = @s[2]; delete(@s[3]); exit(); }
                                 ~~~~~~~~~~~~~'

t_json() { # in JSON, bpftrace's helper_error records, in order with the output
	[ "$("$TV" -kk -f json -e 'i:ms:1 { @[1] = 1; delete(@[2]); printf("%d\n", @[3]); exit(); }' | sed -n 2,4p)" = \
		'{"type": "helper_error", "helper": "map_delete_elem", "retcode": -2, "line": 1, "col": 20}
{"type": "helper_error", "helper": "map_lookup_elem", "retcode": 0, "line": 1, "col": 49}
{"type": "printf", "data": "0\n"}' ]
}
check kk_json_helper_error t_json
