/* gendb: writes a deterministic wg-meshconf database of N peers to stdout.
 *
 *   gendb N [--no-keys] [--ipv6]
 *
 * Peer i (1..N):
 *   Name        peerNNNNN (i, zero-padded to 5 digits)
 *   Address     10.1.Y.Z/16, unique per peer (Z in 1..254), and with --ipv6
 *               also fd00::HHHH/64 (HHHH = i in hex)
 *   Endpoint    peerNNNNN.example.com
 *   ListenPort  51820
 *   PrivateKey  crypto_generichash(32 bytes, "wgm-bench" followed by i in
 *               decimal), clamped like `wg genkey`, base64 (standard
 *               alphabet, padded); empty with --no-keys (for `init`).
 *
 * The format is the one wg-meshconf writes: 16 columns, every field quoted,
 * CRLF line ends. Built by bench/run with:
 *   cc -O2 -std=c17 bench/gendb.c $(pkg-config --cflags --libs libsodium)
 */
#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PEERS (254L * 256L)	/* 10.1.0.1 .. 10.1.255.254 fits a /16 */

static const char *const header =
	"\"Name\",\"Address\",\"Endpoint\",\"AllowedIPs\",\"ListenPort\","
	"\"PersistentKeepalive\",\"FwMark\",\"PrivateKey\",\"DNS\",\"MTU\",\"Table\","
	"\"PreUp\",\"PostUp\",\"PreDown\",\"PostDown\",\"SaveConfig\"\r\n";

static void private_key(long i, char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)])
{
	unsigned char seed[64], key[32];
	int len = snprintf((char *)seed, sizeof(seed), "wgm-bench%ld", i);

	crypto_generichash(key, sizeof(key), seed, (size_t)len, NULL, 0);
	key[0] &= 248;
	key[31] = (unsigned char)((key[31] & 127) | 64);
	sodium_bin2base64(out, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL),
			  key, sizeof(key), sodium_base64_VARIANT_ORIGINAL);
}

static void usage(void)
{
	fprintf(stderr, "usage: gendb N [--no-keys] [--ipv6]   (1 <= N <= %ld)\n", MAX_PEERS);
	exit(2);
}

int main(int argc, char **argv)
{
	int keys = 1, ipv6 = 0;
	long n = 0;
	char *end;

	if (argc < 2)
		usage();
	n = strtol(argv[1], &end, 10);
	if (*end || n < 1 || n > MAX_PEERS)
		usage();
	for (int a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--no-keys"))
			keys = 0;
		else if (!strcmp(argv[a], "--ipv6"))
			ipv6 = 1;
		else
			usage();
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "gendb: sodium_init failed\n");
		return 1;
	}

	fputs(header, stdout);
	for (long i = 1; i <= n; i++) {
		char key[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)] = "";
		char v6[32] = "";
		long host = i - 1;

		if (keys)
			private_key(i, key);
		if (ipv6)
			snprintf(v6, sizeof(v6), ",fd00::%lx/64", i);
		printf("\"peer%05ld\",\"10.1.%ld.%ld/16%s\",\"peer%05ld.example.com\",\"\","
		       "\"51820\",\"\",\"\",\"%s\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n",
		       i, host / 254, host % 254 + 1, v6, i, key);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gendb: stdout");
		return 1;
	}
	return 0;
}
