#include "remote/ssh.h"

#include "lib/endpoint.h"
#include "lib/parallel.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* More than any configuration or `wg show dump` of a mesh this tool writes. */
#define OUTPUT_MAX (64u << 20)

int ssh_config_command(struct ssh_config *c, const char *command)
{
	char *save = NULL, *w;

	free(c->command);
	c->n_words = 0;
	if (!(c->command = xstrdup(command))) {
		err_msg("out of memory");
		return -1;
	}
	for (w = strtok_r(c->command, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (c->n_words == SSH_MAX_WORDS) {
			err_msg("--ssh-command: more than %d words", SSH_MAX_WORDS);
			return -1;
		}
		c->words[c->n_words++] = w;
	}
	if (!c->n_words) {
		err_msg("--ssh-command: empty command");
		return -1;
	}
	return 0;
}

int ssh_config_start(struct ssh_config *c)
{
	const char *tmp = getenv("TMPDIR");

	signal(SIGPIPE, SIG_IGN);
	/* Short: a ControlPath must fit in a socket address (108 bytes). */
	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(c->control_dir, sizeof(c->control_dir), "%s/wg-meshconf.XXXXXX", tmp);
	if (!mkdtemp(c->control_dir)) {
		err_msg("cannot make a folder for the ssh connections in %s: %s", tmp,
			strerror(errno));
		c->control_dir[0] = '\0';
		return -1;
	}
	return 0;
}

int ssh_shell_quote(struct buf *out, const char *word)
{
	if (buf_putc(out, '\'') < 0)
		return -1;
	for (const char *p = word; *p; p++)
		if ((*p == '\'' ? buf_puts(out, "'\\''") : buf_putc(out, *p)) < 0)
			return -1;
	return buf_putc(out, '\'');
}

void ssh_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

struct argv_b {
	char **v;
	size_t n, cap;
	bool failed;
};

static void push(struct argv_b *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void push(struct argv_b *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (a->failed)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 32;
		char **v = realloc(a->v, cap * sizeof(*v));
		if (!v) {
			a->failed = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		a->failed = true;
	}
	va_end(ap);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

/* Everything before the host: the program and the options. */
static void push_options(struct argv_b *a, const struct ssh_config *c,
			 const struct ssh_target *t)
{
	if (c->n_words)
		for (size_t i = 0; i < c->n_words; i++)
			push(a, "%s", c->words[i]);
	else
		push(a, "ssh");
	if (c->config_file) {
		push(a, "-F");
		push(a, "%s", c->config_file);
	}
	for (size_t i = 0; i < c->n_options; i++) {
		push(a, "-o");
		push(a, "%s", c->options[i]);
	}
	push(a, "-o");
	push(a, "BatchMode=yes");
	push(a, "-o");
	push(a, "ConnectTimeout=%u", c->connect_timeout ? c->connect_timeout : 10);
	if (*c->control_dir) {
		push(a, "-o");
		push(a, "ControlMaster=auto");
		push(a, "-o");
		push(a, "ControlPath=%s/%%C", c->control_dir);
		/* The master outlives one step, not the run: ssh_config_stop ends it. */
		push(a, "-o");
		push(a, "ControlPersist=120");
	}
	if (*t->user) {
		push(a, "-l");
		push(a, "%s", t->user);
	}
	if (t->port) {
		push(a, "-p");
		push(a, "%u", t->port);
	}
}

int ssh_argv(const struct ssh_config *c, const struct ssh_target *t, const char *script,
	     const char *const *args, char ***argv)
{
	struct argv_b a = { 0 };
	struct buf cmd = BUF_INIT;
	int bad = 0;

	push_options(&a, c, t);
	push(&a, "--");
	push(&a, "%s", t->host);
	if (c->sudo)
		bad |= buf_puts(&cmd, "sudo -n ");
	bad |= buf_puts(&cmd, "sh -c ");
	bad |= ssh_shell_quote(&cmd, script);
	bad |= buf_puts(&cmd, " wg-meshconf");
	for (size_t i = 0; args && args[i]; i++) {
		bad |= buf_putc(&cmd, ' ');
		bad |= ssh_shell_quote(&cmd, args[i]);
	}
	if (!bad)
		push(&a, "%s", cmd.data);
	buf_free(&cmd);
	if (bad || a.failed) {
		ssh_argv_free(a.v);
		*argv = NULL;
		return -1;
	}
	*argv = a.v;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what fd has into b; false at end of file or on error. */
static bool drain(int fd, struct buf *b)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			if (b->len + (size_t)n <= OUTPUT_MAX && buf_append(b, chunk, (size_t)n) < 0)
				return false;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		return false;
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void trim(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' ' ||
			  b->data[b->len - 1] == '\r' || b->data[b->len - 1] == '\t'))
		b->data[--b->len] = '\0';
}

/* Feeds the child and collects its output until it exits or the deadline. The
 * output ends when the child has exited, not at end of file: a master ssh left
 * in the background may hold a copy of the pipes. */
static void exchange(pid_t pid, int in, int out, int err, const char *data, size_t len,
		     unsigned timeout, struct ssh_result *r)
{
	long long deadline = now_ms() + (long long)timeout * 1000;
	size_t sent = 0;
	int status = 0;
	bool exited = false, killed = false;

	if (!len)
		close_fd(&in);
	while (!exited) {
		struct pollfd p[3];
		nfds_t n = 0;
		long long left = deadline - now_ms();
		if (left <= 0 && !killed) {
			kill(pid, SIGKILL);
			killed = r->timed_out = true;
		}
		if (in >= 0)
			p[n++] = (struct pollfd){ .fd = in, .events = POLLOUT };
		if (out >= 0)
			p[n++] = (struct pollfd){ .fd = out, .events = POLLIN };
		if (err >= 0)
			p[n++] = (struct pollfd){ .fd = err, .events = POLLIN };
		if (poll(p, n, 50) < 0 && errno != EINTR)
			break;
		for (nfds_t i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == in) {
				ssize_t w = write(in, data + sent, len - sent);
				if (w > 0)
					sent += (size_t)w;
				if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == len)
					close_fd(&in);
			} else if (p[i].fd == out) {
				if (!drain(out, &r->out))
					close_fd(&out);
			} else if (!drain(err, &r->err)) {
				close_fd(&err);
			}
		}
		/* Never blocking: the deadline holds even after the pipes are closed. */
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			exited = true;
	}
	if (out >= 0)
		drain(out, &r->out);
	if (err >= 0)
		drain(err, &r->err);
	close_fd(&in);
	close_fd(&out);
	close_fd(&err);
	trim(&r->err);
	if (r->timed_out || !WIFEXITED(status))
		r->status = -1;
	else
		r->status = WEXITSTATUS(status);
}

static int spawn(char **argv, const void *in, size_t in_len, unsigned timeout,
		 struct ssh_result *r)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	pid_t pid;
	int ret = -1, e;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 ||
	    pipe2(perr, O_CLOEXEC) < 0) {
		buf_printf(&r->err, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	/* Our ends only: the child gets ordinary blocking pipes. */
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	fcntl(pout[0], F_SETFL, O_NONBLOCK);
	fcntl(perr[0], F_SETFL, O_NONBLOCK);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	e = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e) {
		buf_printf(&r->err, "cannot run %s: %s", argv[0], strerror(e));
		goto out;
	}
	close_fd(&pin[0]);
	close_fd(&pout[1]);
	close_fd(&perr[1]);
	exchange(pid, pin[1], pout[0], perr[0], in, in_len, timeout, r);
	pin[1] = pout[0] = perr[0] = -1;
	ret = 0;
out:
	for (int i = 0; i < 2; i++) {
		close_fd(&pin[i]);
		close_fd(&pout[i]);
		close_fd(&perr[i]);
	}
	return ret;
}

int ssh_run(const struct ssh_config *c, const struct ssh_target *t, const char *script,
	    const char *const *args, const void *in, size_t in_len, unsigned timeout,
	    struct ssh_result *r)
{
	char **argv;
	int ret;

	/* A host that closes its end must give an error, not kill the program. */
	signal(SIGPIPE, SIG_IGN);
	if (ssh_argv(c, t, script, args, &argv) < 0) {
		memset(r, 0, sizeof(*r));
		r->status = -1;
		buf_puts(&r->err, "out of memory");
		return -1;
	}
	ret = spawn(argv, in, in_len, timeout, r);
	ssh_argv_free(argv);
	return ret;
}

int ssh_run_local(const char *script, const char *const *args, const void *in, size_t in_len,
		  unsigned timeout, struct ssh_result *r)
{
	struct argv_b a = { 0 };
	int ret = -1;

	signal(SIGPIPE, SIG_IGN);
	push(&a, "sh");
	push(&a, "-c");
	push(&a, "%s", script);
	push(&a, "wg-meshconf");
	for (size_t i = 0; args && args[i]; i++)
		push(&a, "%s", args[i]);
	if (a.failed) {
		memset(r, 0, sizeof(*r));
		r->status = -1;
		buf_puts(&r->err, "out of memory");
	} else {
		ret = spawn(a.v, in, in_len, timeout, r);
	}
	ssh_argv_free(a.v);
	return ret;
}

const char *ssh_result_message(const struct ssh_result *r, const char *fallback)
{
	const char *last;

	if (!r->err.len)
		return fallback;
	last = strrchr(r->err.data, '\n');
	return last ? last + 1 : r->err.data;
}

void ssh_result_free(struct ssh_result *r)
{
	buf_free(&r->out);
	buf_free(&r->err);
}

struct stop_ctx {
	const struct ssh_config *c;
	const struct ssh_target *t;
};

static void stop_one(void *ctx, size_t i)
{
	const struct stop_ctx *x = ctx;
	struct argv_b a = { 0 };
	struct ssh_result r;

	push_options(&a, x->c, &x->t[i]);
	push(&a, "-O");
	push(&a, "exit");
	push(&a, "--");
	push(&a, "%s", x->t[i].host);
	if (!a.failed && spawn(a.v, NULL, 0, 5, &r) == 0)
		ssh_result_free(&r);
	ssh_argv_free(a.v);
}

void ssh_config_stop(struct ssh_config *c, const struct ssh_target *targets, size_t n)
{
	if (*c->control_dir) {
		struct stop_ctx x = { c, targets };
		/* All at once: each is a round trip to a master process. */
		parallel_jobs(n, 16, stop_one, &x);
		/* Whatever is left: sockets of masters that did not answer. */
		DIR *d = opendir(c->control_dir);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, "..")))
				unlinkat(dirfd(d), e->d_name, 0);
		if (d)
			closedir(d);
		rmdir(c->control_dir);
		c->control_dir[0] = '\0';
	}
	free(c->command);
	c->command = NULL;
	c->n_words = 0;
}
