#include "lib/sshaddr.h"

#include "lib/endpoint.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool user_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

int ssh_target_parse(struct ssh_target *t, const char *text, char *why, size_t len)
{
	const char *at = strchr(text, '@');
	struct endpoint ep;
	char epwhy[160] = "";

	memset(t, 0, sizeof(*t));
	*why = '\0';
	if (at) {
		size_t ulen = (size_t)(at - text);
		if (!ulen || ulen >= sizeof(t->user)) {
			snprintf(why, len, "the user name before '@' must have 1 to %zu characters",
				 sizeof(t->user) - 1);
			return -1;
		}
		for (size_t i = 0; i < ulen; i++)
			if (!user_char(text[i], i == 0)) {
				snprintf(why, len, "the user name may only have letters, digits, "
					 "'_', '-' and '.', and must not start with a digit, "
					 "'-' or '.'");
				return -1;
			}
		memcpy(t->user, text, ulen);
		text = at + 1;
	}
	if (endpoint_parse_why(&ep, text, epwhy, sizeof(epwhy)) < 0) {
		snprintf(why, len, "%s", *epwhy ? epwhy : "the host is not a host name, IPv4 or "
			 "IPv6 address with an optional port");
		return -1;
	}
	/* ssh would take a host starting with '-' for an option ("--" guards it too). */
	if (ep.host[0] == '-') {
		snprintf(why, len, "the host must not start with '-'");
		return -1;
	}
	snprintf(t->host, sizeof(t->host), "%s", ep.host);
	t->port = ep.port;
	return 0;
}

void ssh_target_format(const struct ssh_target *t, char *out, size_t len)
{
	bool v6 = strchr(t->host, ':') != NULL;

	if (t->port)
		snprintf(out, len, "%s%s%s%s%s:%u", t->user, *t->user ? "@" : "", v6 ? "[" : "",
			 t->host, v6 ? "]" : "", t->port);
	else
		snprintf(out, len, "%s%s%s", t->user, *t->user ? "@" : "", t->host);
}

