# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="tokyo1"]] = 0) do={ /interface wireguard add name="tokyo1" }
/interface wireguard set [find where name="tokyo1"] listen-port=51820 mtu=1420 private-key="yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=" comment="tokyo1"
/interface wireguard peers remove [find where interface="tokyo1"]
/ip address remove [find where comment="wg-meshconf tokyo1"]
/ipv6 address remove [find where comment="wg-meshconf tokyo1"]
/ip route remove [find where comment="wg-meshconf tokyo1"]
/ipv6 route remove [find where comment="wg-meshconf tokyo1"]
/ip address add address=10.0.0.1/24 interface="tokyo1" comment="wg-meshconf tokyo1"
/ipv6 address add address=fd00::1/64 interface="tokyo1" advertise=no comment="wg-meshconf tokyo1"
/interface wireguard peers add interface="tokyo1" name="germany1" comment="germany1" public-key="m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" preshared-key="g0VW9ZIfZf+sbssoNfeKEXYPDTWoE/lAhdkkq3WaY/s=" allowed-address=10.0.0.2/32,fd00::2/128 endpoint-address="2001:db8::2" endpoint-port=51821
/interface wireguard peers add interface="tokyo1" name="canada1" comment="canada1" public-key="00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=" preshared-key="VuIT3BaJ0lLg/CvihNs4crD7zjjYxAvMWzX5y3Ac2Gw=" allowed-address=10.0.0.3/32,fd00::3/128,192.168.3.0/24,fd00:3::/48
/interface wireguard peers add interface="tokyo1" name="shanghai1" comment="shanghai1" public-key="AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=" preshared-key="es1/OcM+JDLjIS4iLq67iBNhm8stM6sYmqhTF0CWFsk=" allowed-address=10.0.0.4/32,fd00::4/128 endpoint-address="shanghai1.com" endpoint-port=51820
/ip route add dst-address=192.168.3.0/24 gateway="tokyo1" comment="wg-meshconf tokyo1"
/ipv6 route add dst-address=fd00:3::/48 gateway="tokyo1" comment="wg-meshconf tokyo1"
