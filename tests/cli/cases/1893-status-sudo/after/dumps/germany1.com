SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko=	m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=	51821	off
i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=	(none)	192.0.2.1:51820	10.1.0.1/32	0	5000000	6000	off
AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=	(none)	(none)	10.4.0.1/32,10.9.0.0/16	0	0	0	off
Z+Qr0iiRSUvFxDCb7yNJEcXu2Tgl2NBQ5KXG+mdRsXo=	(none)	(none)	(none)	0	0	0	off
