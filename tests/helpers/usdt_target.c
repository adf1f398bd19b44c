/* A USDT target: `usdt_target N [MS]` fires, N times each (then stays MS
 * milliseconds),
 *   tv:regs(i, 2 * i)      arguments in registers      ("-4@%eax 8@%rdx")
 *   tv:mem(i, -i)          arguments in memory         ("-4@-20(%rbp) ...")
 *   tv:imm(7, i)           a constant, then a register
 *   tv:guarded(i)          only while its semaphore is raised (attached)
 * and tv:regs a second time, from another place (two locations).  The
 * notes are written as <sys/sdt.h> writes them, without needing it. */
#include <stdlib.h>
#include <time.h>

/* the section the notes' addresses are relative to (prelink) */
__asm__(".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n"
	".weak _.stapsdt.base\n.hidden _.stapsdt.base\n"
	"_.stapsdt.base: .space 1\n.popsection\n");

#define TV_NOTE(prov, name, sema, args)                                                            \
	"990: nop\n"                                                                               \
	".pushsection .note.stapsdt,\"?\",\"note\"\n"                                              \
	".balign 4\n"                                                                              \
	".4byte 992f-991f, 994f-993f, 3\n"                                                         \
	"991: .asciz \"stapsdt\"\n"                                                                \
	"992: .balign 4\n"                                                                         \
	"993: .8byte 990b\n"                                                                       \
	".8byte _.stapsdt.base\n"                                                                  \
	".8byte " sema "\n"                                                                        \
	".asciz \"" prov "\"\n"                                                                    \
	".asciz \"" name "\"\n"                                                                    \
	".asciz \"" args "\"\n"                                                                    \
	"994: .balign 4\n"                                                                         \
	".popsection\n"

__attribute__((section(".probes"))) volatile unsigned short tv_guarded_semaphore;

__attribute__((noinline)) static void fire(int i)
{
	int a = i;
	long b = 2L * i, neg = -i;

	__asm__ __volatile__(TV_NOTE("tv", "regs", "0", "-4@%0 8@%1")::"r"(a), "r"(b));
	__asm__ __volatile__(TV_NOTE("tv", "mem", "0", "-4@%0 -8@%1")::"m"(a), "m"(neg));
	__asm__ __volatile__(TV_NOTE("tv", "imm", "0", "-4@%0 -4@%1")::"i"(7), "r"(a));
	if (tv_guarded_semaphore)
		__asm__ __volatile__(
		    TV_NOTE("tv", "guarded", "tv_guarded_semaphore", "-4@%0")::"r"(a));
}

__attribute__((noinline)) static void fire_again(int i)
{
	long b = 2L * i;

	__asm__ __volatile__(TV_NOTE("tv", "regs", "0", "-4@%0 8@%1")::"r"(i), "r"(b));
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;

	for (int i = 0; i < n; i++) {
		fire(i);
		fire_again(100 + i);
	}
	if (argc > 2) {
		long ms = atol(argv[2]);
		struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};

		nanosleep(&ts, NULL);
	}
	return 0;
}
