/* The fixed scripts run on the hosts (`sh -c SCRIPT wg-meshconf ARG...`). Data
 * reaches them only as quoted arguments (names, folders, public keys) and on
 * standard input (the configuration file); no script is ever built from data. */
#ifndef WGM_SCRIPTS_H
#define WGM_SCRIPTS_H

/* Args: DIR IF. Prints "systemd 0|1", "conf N" and N bytes of DIR/IF.conf (or
 * "conf -"), "dump N" and N bytes of `wg show IF dump` (or "dump -": not up). */
extern const char script_probe[];

/* Args: MODE DIR IF SYSTEMD TABLE [WG-SET-ARGS...]; standard input: the new
 * file. MODE: live, restart or start. Writes DIR/.IF.conf.tmp (umask 077), keeps
 * the old file as DIR/.IF.conf.prev, moves the new one in place, then applies
 * it: live: `wg syncconf IF <(wg-quick strip)`, `wg set IF WG-SET-ARGS` (what
 * syncconf of wireguard-tools before 1.0.20260223 does not clear), routes of the
 * AllowedIPs added and removed (syncconf adds none; TABLE: auto, off or a
 * table); restart: down then up; start: systemctl enable --now wg-quick@IF
 * (SYSTEMD 1) or wg-quick up. The restart ignores SIGHUP and SIGPIPE and writes
 * to a log, so it ends (and rolls back) even when the ssh session that started
 * it runs through the tunnel and drops. On failure the previous file is put
 * back and applied again. Exit 0: applied; 1: failed, previous state back (the
 * last line of stderr says why); 2: failed and the rollback failed too. */
extern const char script_apply[];

/* Args: COUNT DEADLINE ADDRESS...: pings every address at once; prints "ok A" or
 * "fail A" per address. */
extern const char script_ping[];

#endif
