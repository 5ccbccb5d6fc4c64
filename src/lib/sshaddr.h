/* Where ssh reaches a host (the SSH column, or an Endpoint's host). */
#ifndef WGM_SSHADDR_H
#define WGM_SSHADDR_H

#include <stddef.h>

/* Where a host is reached: [USER@]HOST[:PORT], [V6]:PORT, or a bare IPv6 address. */
struct ssh_target {
	char user[33];		/* "" : as ~/.ssh/config says */
	char host[256];
	unsigned port;		/* 0: as ~/.ssh/config says */
};

/* Parses text into t. 0, or -1 with the reason in why (len bytes). */
int ssh_target_parse(struct ssh_target *t, const char *text, char *why, size_t len);

/* "user@host:port" as given, IPv6 in brackets when a port follows. */
void ssh_target_format(const struct ssh_target *t, char *out, size_t len);

#endif
