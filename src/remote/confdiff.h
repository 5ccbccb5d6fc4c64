/* Two wg-quick files compared: what deploy must do to go from one to the other
 * (the interface values that only wg-quick applies need a restart; the rest
 * `wg syncconf` applies live), and the difference shown with every key masked. */
#ifndef WGM_CONFDIFF_H
#define WGM_CONFDIFF_H

#include "lib/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* True when an [Interface] value that wg syncconf cannot apply differs:
 * Address, DNS, MTU, Table, PreUp, PostUp, PreDown, PostDown or SaveConfig
 * (keys in any case, values without the spaces around them, in order). Names
 * them in what (", "-separated, len bytes). */
bool confdiff_interface_changed(const char *old, size_t old_len, const char *new_text,
				size_t new_len, char *what, size_t len);

/* Appends to out the lines that differ, "-old" and "+new" (common lines as
 * " line" around them), with the value of every PrivateKey and PresharedKey
 * replaced by "(hidden)". A huge pair of files gives the whole of both. 0 or -1
 * (out of memory). */
int confdiff_masked(const char *old, size_t old_len, const char *new_text, size_t new_len,
		    struct buf *out);

#endif
