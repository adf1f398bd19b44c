#!/bin/bash
# bpftrace 0.17's own tools (Debian's /usr/sbin/NAME.bt), run unchanged:
# each test makes its own events (tests/helpers/tool_events, comm
# "tool_events", which nothing else runs) and looks for the lines bpftrace
# prints for them.  The tools trace the whole machine: the checks, not the
# tools, pick out the test's own events (by that comm or by the pid the
# trigger wrote to $T/pid).  Tools that need kprobes (not on this kernel)
# must fail before anything attaches.
B=${1:-build}
. tests/runtime/lib.sh

BT=/usr/sbin
EV=$B/tests/tool_events
CLOCK='[0-9]{2}:[0-9]{2}:[0-9]{2}'

# bg CMD...: CMD in the background, its pid in $T/pid, then wait for it
bg() {
	"$@" &
	echo $! >"$T/pid"
	wait $!
}

# seen NAME LINE: LINE is in NAME's output: "=text" the whole line as
# written, "!regex" no line matching, otherwise an extended regex for the
# whole line; @PID@ stands for the pid in $T/pid
seen() {
	local re=${2//@PID@/$(cat "$T/pid" 2>/dev/null)}

	case "$re" in
	=*) grep -qxF -e "${re#=}" "$T/$1.out" ;;
	!*) ! grep -qxE -e "${re#!}" "$T/$1.out" ;;
	*) grep -qxE -e "$re" "$T/$1.out" ;;
	esac
}

# tool NAME 'trigger' LINE...: runs $BT/NAME.bt until the trigger (a shell
# command) is done, then checks each LINE (see seen)
tool() {
	local name=$1 trig=$2 line
	shift 2
	rm -f "$T/pid"
	if [ ! -r "$BT/$name.bt" ]; then
		nok "$name" "$BT/$name.bt is not installed (Debian's bpftrace package)"
		return
	fi
	if ! start "$name" "$BT/$name.bt"; then
		nok "$name" "did not start: $(head -3 "$T/$name.err" | tr '\n' '|')"
		return
	fi
	eval "$trig" >/dev/null
	stop "$name"
	for line in "$@"; do
		if ! seen "$name" "$line"; then
			nok "$name" "no line: $line" "$(grep -v '^$' "$T/$name.out" | grep -m8 -e tool_events -e '^[A-Z@[]' | tr '\n' '|' | cut -c1-400)"
			return
		fi
	done
	ok "$name"
}

# tool_fails NAME 'an ERROR line of stderr (regex)' [quiet]: status 1 and
# that line (the run ends: nothing stays attached); quiet: nothing on
# stdout either (failed before BEGIN)
tool_fails() {
	timeout 10 "$TV" "$BT/$1.bt" >"$T/e.out" 2>"$T/e.err"
	local rc=$?
	if [ $rc -eq 1 ] && grep -qxE -e "$2" "$T/e.err" && { [ -z "$3" ] || [ ! -s "$T/e.out" ]; }; then
		ok "$1_fails"
	else
		nok "$1_fails" "status $rc: $(head -6 "$T/e.err" | tr '\n' '|')" "stdout: $(head -c 200 "$T/e.out")"
	fi
}

tool execsnoop "bg sh -c 'exec /bin/echo tv-exec a \"b c\"'" \
	'=Attaching 3 probes...' '=TIME(ms)   PID   ARGS' \
	"[0-9]+ +@PID@ +sh -c exec /bin/echo tv-exec a \"b c\"" '[0-9]+ +@PID@ +/bin/echo tv-exec a b c'

tool opensnoop "bg $EV open /etc/hostname $T/no-such-file" \
	'=Attaching 6 probes...' '=Tracing open syscalls... Hit Ctrl-C to end.' \
	'=PID    COMM               FD ERR PATH' \
	'@PID@ +tool_events +[0-9]+   0 /etc/hostname' "@PID@ +tool_events +-1   2 $T/no-such-file"

tool killsnoop "bg $EV kill" \
	'=Attaching 3 probes...' '=Tracing kill() signals... Hit Ctrl-C to end.' \
	'=TIME      PID    COMM             SIG  TPID   RESULT' \
	"$CLOCK  @PID@ +tool_events +0    @PID@ +0" "$CLOCK  @PID@ +tool_events +0    2147483647 -3"

# stat, lstat, statx and statfs each print a line
tool statsnoop "bg $EV stat /etc/hostname; $EV stat $T/no-such-file" \
	'=Attaching 10 probes...' '=Tracing stat syscalls... Hit Ctrl-C to end.' \
	'=PID    COMM             ERR PATH' \
	'@PID@ +tool_events +0 /etc/hostname' "[0-9]+ +tool_events +2 $T/no-such-file"

tool setuids "bg $EV setuid" \
	'=Attaching 7 probes...' '=Tracing setuid(2) family syscalls. Hit Ctrl-C to end.' \
	'=TIME     PID    COMM             UID    SYSCALL   ARGS (RET)' \
	"$CLOCK @PID@ +tool_events +$(id -u) +setuid    uid=$(id -u) \\(0\\)" \
	"$CLOCK @PID@ +tool_events +$(id -u) +setresuid ruid=-1 euid=-1 suid=-1 \\(0\\)" \
	"$CLOCK @PID@ +tool_events +$(id -u) +setfsuid  uid=-1 \\(prevuid=$(id -u)\\)"

tool syncsnoop "bg $EV sync $T/synced" \
	'=Attaching 7 probes...' '=TIME      PID    COMM             EVENT' \
	"$CLOCK  @PID@ +tool_events +tracepoint:syscalls:sys_enter_fsync" \
	"$CLOCK  @PID@ +tool_events +tracepoint:syscalls:sys_enter_fdatasync" \
	"$CLOCK  @PID@ +tool_events +tracepoint:syscalls:sys_enter_msync" \
	"$CLOCK  @PID@ +tool_events +tracepoint:syscalls:sys_enter_sync_file_range"

# the parent's pid and comm through curtask's real_parent (this shell),
# the seconds as the tool's %d.%03d
tool naptime "bg $EV nanosleep 20" \
	'=Attaching 2 probes...' '=Tracing sleeps. Hit Ctrl-C to end.' \
	'=TIME     PPID   PCOMM            PID    COMM             SECONDS' \
	"$CLOCK $$ +[^ ]+ +@PID@ +tool_events +0.020"

tool syscount "$EV getppid 20000" \
	'=Counting syscalls... Hit Ctrl-C to end.' '=Top 10 syscalls IDs:' \
	'@syscall\[110\]: [0-9]{5,}' '=Top 10 processes:' '@process\[tool_events\]: 200[0-9]{2}'

# interval:s:1 prints the forks of each second: waits for one
tool pidpersec "$EV fork 3; sleep 1.1" \
	'=Attaching 4 probes...' '=Tracing new processes... Hit Ctrl-C to end.' \
	"$CLOCK PIDs/sec: @: [0-9]+" '@: 0'

tool cpuwalk "$TRIG spin 60" \
	'=Attaching 2 probes...' '=Sampling CPU at 99hz... Hit Ctrl-C to end.' '=@cpu: ' \
	'\[[0-9]+, [0-9]+\) +[0-9]+ \|@+ *\|'

tool runqlat "sleep 0.02; sleep 0.02" \
	'=Attaching 5 probes...' '=Tracing CPU scheduler... Hit Ctrl-C to end.' '=@usecs: ' \
	'\[[0-9]+K?, [0-9]+K?\) +[0-9]+ \|@+ *\|'

# O_DIRECT|O_SYNC: each 8 KiB write is a block request its writer issues
tool bitesize "$EV dio $T/direct 4" \
	'=Attaching 3 probes...' '=Tracing block device I/O... Hit Ctrl-C to end.' \
	'=I/O size (bytes) histograms by process name:' '=@[tool_events]: ' \
	'\[8K, 16K\) +4 \|@+ *\|'

# writeback is the kernel's flusher: the line is the reason, not a pid
tool writeback "$EV sync $T/written; sync -f $T/written" \
	'=Attaching 4 probes...' '=TIME      DEVICE   PAGES    REASON           ms' \
	"$CLOCK  [0-9]+:[0-9]+ +[0-9]+ +sync +[0-9]+\\.[0-9]{3}"

# getaddrinfo, gethostbyname, gethostbyname2: uprobe and uretprobe in libc
tool gethostlatency "bg $EV resolve localhost" \
	'=Attaching 7 probes...' '=Tracing getaddr/gethost calls... Hit Ctrl-C to end.' \
	'=TIME      PID    COMM              LATms HOST' \
	"$CLOCK  @PID@ +tool_events +[0-9]+ localhost"

# an interactive bash on a pty reads its commands with readline
tool bashreadline "$B/tests/pty_bash 'echo tv-readline' >$T/pid" \
	'=Attaching 2 probes...' '=TIME      PID    COMMAND' \
	"$CLOCK  @PID@ +echo tv-readline" "$CLOCK  @PID@ +exit"

# uprobe:libpthread:pthread_create: libpthread is glibc 2.34's stub, which
# has no pthread_create (libc has it); bpftrace 0.17 leaves the probe out,
# the tool prints its header and no thread
tool threadsnoop "bg $EV thread" \
	'=Attaching 1 probe...' '=TIME(ms)   PID    COMM             FUNC' '!.* tool_events .*'

# the kernel's socket headers come from BTF (bpftrace, without kernel
# headers installed, stops at net/sock.h); a drop with a socket cannot be
# made on demand, so only the start
tool tcpdrop "sleep 0.01" \
	'=Attaching 3 probes...' '=Tracing tcp drops. Hit Ctrl-C to end.' \
	'=TIME     PID      COMM             SADDR:SPORT           DADDR:DPORT           STATE   '

# uprobe binaries named as bpftrace 0.17 names them (the probe builtin,
# -l): a bare library name by its ld.so.cache path (libc: the first 64-bit
# libc.so* entry; libpthread, glibc 2.34's stub, is found the same way),
# an executable by its first match in $PATH
LIBC=$(ldconfig -p | awk '$1 == "libc.so.6" && /x86-64/ { print $NF; exit }')
LIBPTHREAD=$(ldconfig -p | awk '$1 == "libpthread.so.0" && /x86-64/ { print $NF; exit }')
lang uprobe_library_probe_name 'uprobe:libc:getaddrinfo /comm == "tool_events"/ { printf("%s\n", probe); exit(); }' \
	"sh:$EV resolve localhost" "uprobe:$LIBC:getaddrinfo"
lang uprobe_library_glob 'uprobe:libc:getaddrinf* /comm == "tool_events"/ { printf("%s\n", probe); exit(); }' \
	"sh:$EV resolve localhost" "uprobe:$LIBC:getaddrinfo"
lang uprobe_exe_in_path 'uretprobe:bash:readline { printf("%s\n", probe); exit(); }' \
	"sh:$B/tests/pty_bash true" "uretprobe:$(command -v bash):readline"
t_list_library() { "$TV" -l 'uprobe:libpthread:*' | head -1 | grep -q "^uprobe:$LIBPTHREAD:"; }
check uprobe_library_list t_list_library
err uprobe_library_file_name 'uprobe:libc.so.6:getaddrinfo {}' \
	"^stdin:1:1-29: ERROR: uprobe target file 'libc.so.6' does not exist or is not executable$"

# bpftrace's own errors for these on this kernel: avenrun is not in
# kallsyms (no CONFIG_KALLSYMS_ALL), and struct cfs_rq is not in BTF
tool_fails loads 'ERROR: Failed to compile: Failed to resolve kernel symbol: avenrun' quiet
tool_fails runqlen "$BT/runqlen.bt:37:9-26: ERROR: Struct/union of type 'struct cfs_rq' does not contain a field named 'nr_running'" quiet

# kprobes are not available here: warned of where written, BEGIN runs (as
# bpftrace's, which fails attaching them), then a clear error, status 1
for t in biolatency biosnoop biostacks capable dcsnoop mdflush oomkill swapin tcpconnect \
	tcplife tcpretrans tcpsynbl undump vfscount vfsstat xfsdist tcpaccept; do
	tool_fails $t "$BT/$t.bt:[0-9]+:[0-9]+-[0-9]+: ERROR: probe 'k(ret)?probe:[^']+': k(ret)?probes are not available on this kernel: use tracepoint:\\.\\.\\. or rawtracepoint:\\.\\.\\. instead"
done
