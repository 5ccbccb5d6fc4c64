2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko=	00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=	51820	off
i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=	VuIT3BaJe0xUoC9wx0jKzfJrTF03C4nRZOsEWbEQ8RA=	[2001:db8::1]:51820	10.1.0.1/32	0	0	0	25
m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=	(none)	(none)	10.2.0.1/32	0	0	0	off
AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=	(none)	(none)	10.4.0.1/32	0	0	0	off
