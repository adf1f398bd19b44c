#!/bin/bash
# Start-up with types: exec to probes attached (warm) for a script that
# names no type (no BTF or DWARF read), one that reads a kernel struct
# (BTF), and a uprobe reading arguments by name from the DWARF of a ~10 MB
# binary (generated and built with gcc -g here once); bpftrace beside it.
B=${1:-build}
RUNS=${RUNS:-20}
BIG=$B/bench/big_dwarf
TP=tracepoint:syscalls:sys_enter_getppid

big_binary() { # 100 units of NFUNCS/100 functions, each with its own struct: ~10 MB with -g
	local n=${NFUNCS:-26000} dir=$BIG.src
	mkdir -p "$dir"
	for u in $(seq 0 99); do
		for i in $(seq $((u * n / 100)) $(((u + 1) * n / 100 - 1))); do
			echo "struct s$i { int a$i; long b$i; char c$i[16]; struct s$i *next; };"
			echo "__attribute__((noinline)) int fn$i(struct s$i *p, int x, const char *name) { return p ? p->a$i + x + (int)p->b$i + name[0] : x * $i; }"
		done >"$dir/u$u.c"
	done
	echo 'struct s0 { int a0; long b0; char c0[16]; struct s0 *next; }; int fn0(struct s0 *, int, const char *);
int main(int argc, char **argv) { (void)argv; struct s0 v = {1, 2, "x", 0}; return fn0(&v, argc, "n") == 0; }' >"$dir/main.c"
	gcc -g -O0 -o "$BIG" "$dir"/*.c
}
[ -x "$BIG" ] || big_binary || exit 1
echo "== the binary: $(du -m "$BIG" | cut -f1) MB with DWARF"

run() { # LABEL SCRIPT: warm start figures (the first run warms the pins)
	echo "== $1"
	"$B/tracevm" -q -e "$2" >/dev/null 2>&1 & sleep 0.5; kill -INT $! 2>/dev/null; wait
	"$B/bench/attach_latency" "$RUNS" "$B/tracevm" -q -e "$2"
	if command -v bpftrace >/dev/null; then
		echo "   bpftrace:"
		"$B/bench/attach_latency" 3 bpftrace -e "$2"
	fi
}
run "no types" "$TP { @ = count(); }"
run "a kernel struct (BTF)" "$TP { @[curtask->real_parent->pid] = count(); }"
run "uprobe args by name (DWARF of $BIG)" "uprobe:$BIG:fn12345 { @ = args->x + args->p->a12345; }"
