/* -c CMD: the command is forked before compiling (its pid is `cpid`), held
 * on a pipe until every probe is attached, then exec'd; the run ends when
 * it exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

/* The program execvp(3) would run, into full: a path with '/' as it is,
 * else the first executable of that name in $PATH. */
static bool runnable(const char *prog, char *full, size_t size)
{
	const char *path = getenv("PATH");

	if (!*prog)
		return false; /* " cmd": its first word is empty */
	if (strchr(prog, '/'))
		return snprintf(full, size, "%s", prog), !access(prog, X_OK);
	for (const char *d = path ? path : "/usr/bin:/bin"; *d;
	     d += strcspn(d, ":"), d += *d == ':') {
		int n = (int)strcspn(d, ":");

		snprintf(full, size, "%.*s/%s", n, n ? d : ".", prog);
		if (!access(full, X_OK))
			return true;
	}
	return false;
}

/* The command's words as bpftrace 0.17 makes them: split at each space,
 * quotes and backslashes kept as they are, empty words too ("a  b" is
 * a, "", b).  One allocation holds the vector and the words. */
static char **split_words(const char *cmd)
{
	size_t n = 2, len = strlen(cmd);
	char **v, *w;

	for (const char *p = cmd; *p; p++)
		n += *p == ' ';
	v = malloc(n * sizeof(*v) + len + 1);
	if (!v)
		return NULL;
	w = memcpy((char *)(v + n), cmd, len + 1);
	n = 0;
	v[n++] = w;
	for (; *w; w++)
		if (*w == ' ')
			*w = 0, v[n++] = w + 1;
	v[n] = NULL;
	return v;
}

int child_program(const char *cmd, char *path, size_t size)
{
	char **w = split_words(cmd);
	bool ok = w && runnable(w[0], path, size);

	free(w);
	return ok ? 0 : -ENOENT;
}

int child_spawn(const char *cmd, struct tv_child *c, struct tv_err *err)
{
	char **w = split_words(cmd);
	char full[4096];
	int fds[2];

	c->pid = -1;
	c->go_fd = -1;
	if (!w)
		return tv_err_set(err, 0, "out of memory");
	if (!runnable(w[0], full, sizeof(full))) {
		tv_err_set(err, 0,
			   "Failed to fork child: path '%s' does not exist or is not executable",
			   w[0]);
		free(w);
		return -ENOENT;
	}
	if (pipe(fds)) {
		free(w);
		return tv_err_set(err, 0, "pipe: %s", strerror(errno));
	}
	c->pid = fork();
	if (c->pid == 0) {
		char go;

		close(fds[1]);
		/* nothing read: tracevm failed before attaching, do not run */
		if (read(fds[0], &go, 1) != 1)
			_exit(127);
		close(fds[0]);
		execvp(w[0], w);
		_exit(127);
	}
	close(fds[0]);
	free(w);
	if (c->pid < 0) {
		close(fds[1]);
		return tv_err_set(err, 0, "fork: %s", strerror(errno));
	}
	c->go_fd = fds[1];
	return 0;
}

void child_release(struct tv_child *c)
{
	if (c->go_fd >= 0 && write(c->go_fd, "g", 1) == 1)
		close(c->go_fd);
	c->go_fd = -1;
}

bool child_exited(struct tv_child *c)
{
	int status;

	if (c->pid <= 0)
		return false;
	if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
		c->pid = 0;
		return true;
	}
	return false;
}

/* On the way out: a command never released is stopped, a running one is
 * left alone (as bpftrace does). */
void child_end(struct tv_child *c)
{
	if (c->go_fd >= 0) {
		close(c->go_fd);
		c->go_fd = -1;
		if (c->pid > 0)
			waitpid(c->pid, NULL, 0);
	}
}
