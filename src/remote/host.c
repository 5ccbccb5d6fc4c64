#include "remote/host.h"

#include "lib/keys.h"
#include "remote/scripts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "WORD N\n" then N bytes, or "WORD -\n". Advances *p; -1 when malformed. */
static int section(const char **p, const char *end, const char *word, const char **data,
		   size_t *len, bool *present)
{
	size_t wl = strlen(word);
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	char num[24];
	char *e;
	unsigned long long n;

	if (!nl || (size_t)(nl - *p) < wl + 2 || memcmp(*p, word, wl) || (*p)[wl] != ' ')
		return -1;
	if ((size_t)(nl - *p) - wl - 1 >= sizeof(num))
		return -1;
	memcpy(num, *p + wl + 1, (size_t)(nl - *p) - wl - 1);
	num[(size_t)(nl - *p) - wl - 1] = '\0';
	*p = nl + 1;
	if (!strcmp(num, "-")) {
		*present = false;
		return 0;
	}
	errno = 0;
	n = strtoull(num, &e, 10);
	if (*e || errno || !*num || n > (unsigned long long)(end - *p))
		return -1;
	*present = true;
	*data = *p;
	*len = (size_t)n;
	*p += n;
	return 0;
}

int host_parse_probe(struct host_state *s, const char *text, size_t len, char *err,
		     size_t errlen)
{
	const char *p = text, *end = text + len, *data = NULL;
	size_t dlen = 0;
	bool present;

	memset(s, 0, sizeof(*s));
	if (len < 10 || (memcmp(p, "systemd 0\n", 10) && memcmp(p, "systemd 1\n", 10))) {
		snprintf(err, errlen, "the probe printed something unexpected");
		return -1;
	}
	s->systemd = p[8] == '1';
	p += 10;
	if (section(&p, end, "conf", &data, &dlen, &present) < 0) {
		snprintf(err, errlen, "the probe printed something unexpected (conf)");
		return -1;
	}
	if ((s->has_conf = present)) {
		if (!(s->conf = malloc(dlen + 1))) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		memcpy(s->conf, data, dlen);
		s->conf[dlen] = '\0';
		s->conf_len = dlen;
	}
	if (section(&p, end, "dump", &data, &dlen, &present) < 0 || p != end) {
		snprintf(err, errlen, "the probe printed something unexpected (dump)");
		host_state_free(s);
		return -1;
	}
	if ((s->up = present)) {
		char why[160];
		if (wgdump_parse(&s->dump, data, dlen, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "wg show dump: %s", why);
			host_state_free(s);
			return -1;
		}
	}
	return 0;
}

int host_probe(const struct ssh_config *c, const struct ssh_target *t, const char *dir,
	       const char *ifname, unsigned timeout, struct host_state *s, char *err,
	       size_t errlen)
{
	const char *args[] = { dir, ifname, NULL };
	struct ssh_result r;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	if ((t ? ssh_run(c, t, script_probe, args, NULL, 0, timeout, &r)
	       : ssh_run_local(script_probe, args, NULL, 0, timeout, &r)) < 0) {
		snprintf(err, errlen, "%s", ssh_result_message(&r, "cannot run ssh"));
		goto out;
	}
	if (r.timed_out) {
		snprintf(err, errlen, "no answer within %u s", timeout);
		goto out;
	}
	if (r.status != 0) {
		snprintf(err, errlen, "%s", ssh_result_message(&r, r.status == 255
					 ? "ssh failed" : "reading the state failed"));
		goto out;
	}
	ret = host_parse_probe(s, r.out.data ? r.out.data : "", r.out.len, err, errlen);
out:
	ssh_result_free(&r);
	return ret;
}

void host_state_free(struct host_state *s)
{
	if (s->conf) {
		key_wipe(s->conf, s->conf_len);
		free(s->conf);
	}
	s->conf = NULL;
	wgdump_free(&s->dump);
}
