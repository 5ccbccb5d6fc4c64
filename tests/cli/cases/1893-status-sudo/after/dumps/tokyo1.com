yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=	i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=	51820	off
m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=	(none)	192.0.2.2:51820	10.2.0.1/32	0	1024	2048	off
00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=	(none)	192.0.2.3:51820	10.3.0.1/32	0	0	0	off
AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=	(none)	(none)	10.4.0.1/32	0	0	0	off
