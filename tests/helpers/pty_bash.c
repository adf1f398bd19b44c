/* An interactive bash on a pseudo-terminal, so that it reads its commands
 * with readline (bashreadline.bt's uretprobe): `pty_bash 'CMD'...` types
 * each command after bash's prompt, then exit.  Prints bash's pid on
 * stdout; exits with bash's status, 1 if bash cannot be run. */
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROMPT "tv-pty$ "

/* Reads the terminal until bash prompts again: typed ahead, a command could
 * be read by something else than readline. */
static int wait_prompt(int fd)
{
	char buf[4096];
	size_t have = 0;
	ssize_t r;

	while ((r = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += r;
		buf[have] = 0;
		if (strstr(buf, PROMPT))
			return 0;
		if (have > sizeof(buf) / 2) { /* keep the tail, a prompt may straddle */
			memmove(buf, buf + have - 64, 64);
			have = 64;
		}
	}
	return -1;
}

static int type_line(int fd, const char *s)
{
	size_t n = strlen(s);

	return write(fd, s, n) != (ssize_t)n || write(fd, "\n", 1) != 1 ? -1 : 0;
}

int main(int argc, char **argv)
{
	int fd, status;
	pid_t pid;

	setenv("PS1", PROMPT, 1);
	alarm(10); /* a bash that never prompts ends the test, not the suite */
	pid = forkpty(&fd, NULL, NULL, NULL);
	if (pid < 0)
		return 1;
	if (!pid) {
		execl("/bin/bash", "bash", "--norc", "--noprofile", "-i", (char *)NULL);
		_exit(127);
	}
	printf("%d\n", pid);
	fflush(stdout);
	for (int i = 1; i < argc; i++)
		if (wait_prompt(fd) || type_line(fd, argv[i]))
			return 1;
	if (wait_prompt(fd) || type_line(fd, "exit"))
		return 1;
	while (read(fd, (char[256]){0}, 256) > 0) /* EIO once bash is gone */
		;
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
