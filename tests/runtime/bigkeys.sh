#!/bin/bash
# shellcheck disable=SC2016 # the scripts are BpfScript: their $ are its own
# Map keys larger than the large-key maps' 120 bytes (the extra-large
# family, up to 504): a 160-byte array of structs, a 200-byte char array
# read as a string, multi-keys whose sum is large, in the kernel and in
# BEGIN (the vm), printed as bpftrace 0.17 prints them; and the limit.
B=${1:-build}
. tests/runtime/lib.sh

BT=$(realpath "$B/tests/bigkeys_target")
TYPES='struct T { uint32_t a; uint32_t b[2]; }
struct W { uint32_t a; struct T t; }
struct C { uint32_t a; void *b; struct W w[10]; }
struct S { char s[200]; }'
K3='"abcdefghijklmno", "pqrst", "abcdefghijklmno"'

# golden NAME 'script' [ARGS...]: stdout byte for byte what bpftrace 0.17
# printed for it (golden/bigkeys/NAME.out)
golden() {
	local name=$1 prog=$2
	shift 2
	if timeout 10 "$TV" -e "$prog" "$@" >"$T/g.out" 2>"$T/g.err" &&
		cmp -s "$T/g.out" "tests/runtime/golden/bigkeys/$name.out"; then
		ok "$name"
	else
		nok "$name" "$(diff "$T/g.out" "tests/runtime/golden/bigkeys/$name.out" | head -5 | cut -c1-200 | tr '\n' '|')" \
			"$(head -3 "$T/g.err" | tr '\n' '|')"
	fi
}

# count, +=, lhist, sum by the 160-byte key (bpftrace's struct_array test),
# count and delete by the 200-byte string, a 192-byte key BEGIN (the vm)
# sets, probes increment and END reads: each probe in bpftrace's 512-byte
# stack, so one key or two a probe
golden struct_array_key "$TYPES
BEGIN { @m[$K3] = 7; }
uprobe:$BT:tv_bigkeys {
	\$c = (struct C *)arg0;
	@w[\$c->w] = count();
	@v[\$c->w] += 2;
	printf(\"%d\n\", @v[\$c->w]);
}
uprobe:$BT:tv_bigkeys {
	\$s = ((struct S *)arg1)->s;
	@s[\$s] = count();
	@gone[\$s] = 1;
	delete(@gone[\$s]);
	printf(\"%d\n\", @gone[\$s]);
}
uprobe:$BT:tv_bigkeys {
	@ws[((struct C *)arg0)->w, 3] = sum(5);
}
uprobe:$BT:tv_bigkeys {
	@h[((struct C *)arg0)->w] = lhist(7, 0, 10, 5);
	@m[$K3]++;
	printf(\"%d\n\", @m[$K3]);
}
END { printf(\"end %d\n\", @m[$K3]); }" -c "$BT 2"

# BEGIN alone runs in the vm: count, int, delete, hist by 136- to 192-byte keys
golden begin_multi_key "BEGIN {
	@a[$K3] = count();
	@a[$K3] = count();
	@b[$K3] = 5;
	@b[\"x\", \"abcdefghijklmno\", \"y\"] = 6;
	@i[\"x\", \"y\", 1] = 2;
	@i[\"x\", \"z\", 2] = 3;
	@c[$K3] = 1;
	delete(@c[$K3]);
	@h[$K3] = hist(100);
	printf(\"%d %d\n\", @b[$K3], @c[$K3]);
	exit();
}"

# 160 + 200 + 8 = 368 bytes: more than bpftrace's stack holds beside its
# other work, printed as bpftrace prints a smaller one
W10='\[\{\.a=100,\.t=\{\.a=0,\.b=\[100,100\]\}\},.*,\{\.a=109,\.t=\{\.a=9,\.b=\[91,82\]\}\}\]'
S199='(abcdefghijklmnopqrstuvwxyz){7}abcdefghijklmnopq'
lang multi_key_368 "$TYPES uprobe:$BT:tv_bigkeys { @ws[((struct C *)arg0)->w, ((struct S *)arg1)->s, 3] = sum(5); }" \
	"sh:$BT 3" "@ws\[$W10, $S199, 3\]: 15"

# the limit: 504 bytes (496 for hist and lhist, whose key holds the bucket)
err key_too_large "struct S { char s[505]; } uprobe:$BT:tv_bigkeys { @[((struct S *)arg1)->s] = 1; }" \
	'^stdin:1:[0-9]+-[0-9]+: ERROR: a key of 505 bytes is too large for a map \(at most 504\)$'
err multi_key_too_large "uprobe:$BT:tv_bigkeys { @[$K3, $K3, \"a\", \"b\"] = 1; }" \
	'^stdin:1:[0-9]+-[0-9]+: ERROR: a key of 512 bytes is too large for a map \(at most 504\)$'
err hist_key_too_large "struct S { char s[497]; } BEGIN { @[((struct S *)0)->s] = hist(1); }" \
	'^stdin:1:35-56: ERROR: a key of 497 bytes is too large for a hist map \(at most 496\)$'
err for_extra_large_key "$TYPES uprobe:$BT:tv_bigkeys { @[((struct C *)arg0)->w] = 1; for (\$kv : @) { print(\$kv); } }" \
	"^stdin:[0-9]+:[0-9]+-[0-9]+: ERROR: for walks maps whose key is at most 120 bytes, @'s is 160$"
