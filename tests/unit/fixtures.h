/* Keys and databases shared by the unit tests of the model and the formats.
 * The keys are the tutorial's (made with wg genkey / wg pubkey). */
#ifndef WGM_UNIT_FIXTURES_H
#define WGM_UNIT_FIXTURES_H

#define PRIV_A "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM="
#define PUB_A "i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo="
#define PRIV_B "SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko="
#define PUB_B "m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg="
#define PRIV_C "2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko="
#define PRIV_D "CGyR7goj/uGH3TQHgVknpb9ZBR+/yMfkve+kVNGBYlg="

/* A relay r and two nodes without Endpoint (b dual-stack in RELAY6_CSV); in
 * IDLE_CSV b has an Endpoint, so that the relay carries no pair. */
#define RELAY_CSV "Name,Address,Endpoint,PrivateKey,Relay\n"\
	"r,10.0.0.1/24,r.example:51820," PRIV_A ",true\n"\
	"a,10.0.0.2/24,," PRIV_B ",\n"\
	"b,10.0.0.3/24,," PRIV_C ",\n"
#define RELAY6_CSV "Name,Address,Endpoint,PrivateKey,Relay\n"\
	"r,10.0.0.1/24,r.example:51820," PRIV_A ",true\n"\
	"a,10.0.0.2/24,," PRIV_B ",\n"\
	"b,\"10.0.0.3/24,fd00::3/64\",," PRIV_C ",\n"
#define IDLE_CSV "Name,Address,Endpoint,PrivateKey,Relay\n"\
	"r,10.0.0.1/24,r.example:51820," PRIV_A ",true\n"\
	"a,10.0.0.2/24,," PRIV_B ",\n"\
	"b,10.0.0.3/24,b.example:51820," PRIV_C ",\n"

#endif
