#!/bin/bash
# Tuples as bpftrace 0.17 has them: its layout (sizeof), nested tuples,
# more than 8 elements, widening strings, and JSON output records.
B=${1:-build}
. tests/runtime/lib.sh

# out NAME 'script' 'stdout': a BEGIN-only run (-q) prints exactly that
# (empty lines dropped)
out() {
	local got
	got=$(timeout 10 "$TV" -q ${TV_OPTS:-} -e "$2" 2>"$T/o.err" | grep -v '^$')
	if [ "$got" = "$3" ]; then ok "$1"; else nok "$1" "got: $(printf '%s' "$got" | tr '\n' '|')" "$(head -3 "$T/o.err" | tr '\n' '|')"; fi
}

# ---- layout: each element at its alignment, the whole padded ----------------
out tuple_sizeof_ascending 'BEGIN { $t = ((int8) 1, (int16) 1, (int32) 1); print(sizeof($t)); exit() }' 8
out tuple_sizeof_descending 'BEGIN { $t = ((int32) 1, (int16) 1, (int8) 1); print(sizeof($t)); exit() }' 8
out tuple_sizeof_strings_nine 'BEGIN { $a = ((int8)-100, (int8) 100, "abcdef", 3, (int32) 1, (int64)-10, (int8)10, (int16)-555, "abc"); print(sizeof($a)); print($a); exit(); }' \
	'48
(-100, 100, abcdef, 3, 1, -10, 10, -555, abc)'
# a nested tuple aligns as its largest element: 1, pad 7, (8 + 2, pad 6), 1, pad 7
out tuple_sizeof_nested 'BEGIN { $t = ((int8)1, (1, (int16)2), (int8)2); print(sizeof($t)); print($t); exit() }' \
	'32
(1, (1, 2), 2)'
out tuple_sizeof_comm_stack 'BEGIN { $t = ((int8)1, comm, (int8)2); print(sizeof($t)); exit() }' 18
# a struct is a byte array (align 1), an array aligns as its element
out tuple_sizeof_struct 'struct C { long a; char b; } BEGIN { $t = ((int8)1, *((struct C *)0)); print(sizeof($t)); exit() }' 17
out tuple_sizeof_array 'struct C { short a[3]; } BEGIN { $t = ((int8)1, ((struct C *)0)->a); print(sizeof($t)); exit() }' 8
out tuple_sizeof_pointer 'struct C { int a; } BEGIN { $t = ((int8)1, ((struct C *)0)); print(sizeof($t)); exit() }' 16
out tuple_unsigned_elements 'BEGIN { @ = ((uint8)255, (uint64)-1, (uint32)-1); exit() }' '@: (255, 18446744073709551615, 4294967295)'
out tuple_twelve_elements 'BEGIN { $t = (1,2,3,4,5,6,7,8,9,10,11,12); print($t); print(sizeof($t)); exit() }' \
	'(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
96'

# ---- nested tuples --------------------------------------------------------------
out tuple_nested_index 'BEGIN { $v = 99; $t = (0, 1, "str", (5, 6), $v); printf("%d %d %s %d %d %d\n", $t.0, $t.1, $t.2, $t.3.0, $t.3.1, $t.4); exit(); }' \
	'0 1 str 5 6 99'
out tuple_nested_map 'BEGIN{ @ = ((int8)1, ((int8)-20, (int8)30)); exit(); }' '@: (1, (-20, 30))'
out tuple_nested_print 'BEGIN { @ = (1, 2, "string", (4, 5)); exit(); }' '@: (1, 2, string, (4, 5))'
TV_OPTS="-f json" out tuple_nested_json 'BEGIN { @ = (1, 2, "string", (4, 5)); exit(); }' '{"type": "map", "data": {"@": [1,2,"string",[4,5]]}}'
out tuple_nested_copy 'BEGIN { $t = (1, ("ab", (int16)3)); $u = $t; print($u.1); exit(); }' '(ab, 3)'

# ---- a longer string in a later assignment widens the tuple ---------------------
out tuple_var_widens 'BEGIN { $t = (1, "a"); $t = (2, "bb"); print($t); exit() }' '(2, bb)'
out tuple_map_widens 'BEGIN { @t = (1, "abc"); @t = (2, "b"); @u = (1, "a"); @u = (2, "bbb"); exit() }' \
	'@t: (2, b)
@u: (2, bbb)'
out tuple_map_comm_then_literal 'BEGIN { @t[1] = (1, "x"); @t[2] = (2, comm); exit(); }' \
	"@t[1]: (1, x)
@t[2]: (2, $(basename "$TV"))"

# ---- tuples as map keys: printed whole; a longer string widens the key ----------
out tuple_key_widens 'BEGIN { @[(1, "a")] = 1; @[(2, "bb")] = 2; exit() }' \
	'@[(1, a)]: 1
@[(2, bb)]: 2'
out tuple_key_with_int 'BEGIN { @[(1, "abc"), 3] = 1; @[(2, "b"), 4] = 2; printf("%d\n", @[(2, "b"), 4]); exit() }' \
	'2
@[(1, abc), 3]: 1
@[(2, b), 4]: 2'
out tuple_key_nested 'BEGIN { @[1, (1, (int8)2)] = 1; exit() }' '@[1, (1, 2)]: 1'

# ---- tuples of other element types: bpftrace's message ---------------------------
err tuple_var_mismatch 'BEGIN { $t = (1,2); $t = ((int8)2,3); }' '^stdin:1:24-25: ERROR: Tuple type mismatch: \(int64,int64\) != \(int8,int64\)\.$'
err tuple_map_mismatch 'BEGIN { @t = ((int8)1,2); @t = (2,(int8)3); }' 'ERROR: Tuple type mismatch: \(int8,int64\) != \(int64,int8\)\.$'
err tuple_elem_type_names 'BEGIN { $t = (1,(uint16)2); $t = 3; }' "value of type 'int64' when variable already contains a value of type '\\(int64,unsigned int16\\)'"
