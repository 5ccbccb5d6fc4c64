# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="germany1"]] = 0) do={ /interface wireguard add name="germany1" }
/interface wireguard set [find where name="germany1"] listen-port=51821 mtu=1380 private-key="SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko=" comment="germany1"
/interface wireguard peers remove [find where interface="germany1"]
/ip address remove [find where comment="wg-meshconf germany1"]
/ipv6 address remove [find where comment="wg-meshconf germany1"]
/ip route remove [find where comment="wg-meshconf germany1"]
/ipv6 route remove [find where comment="wg-meshconf germany1"]
/ip address add address=10.0.0.2/24 interface="germany1" comment="wg-meshconf germany1"
/ipv6 address add address=fd00::2/64 interface="germany1" advertise=no comment="wg-meshconf germany1"
/interface wireguard peers add interface="germany1" name="tokyo1" comment="tokyo1" public-key="i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" preshared-key="g0VW9ZIfZf+sbssoNfeKEXYPDTWoE/lAhdkkq3WaY/s=" allowed-address=10.0.0.1/32,fd00::1/128 endpoint-address="tokyo1.com" endpoint-port=51820
/interface wireguard peers add interface="germany1" name="canada1" comment="canada1" public-key="00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=" preshared-key="n0dyjsEWxOUx2JQFm2DtSggFLTT58PAZrsZhxem2ZeQ=" allowed-address=10.0.0.3/32,fd00::3/128,192.168.3.0/24,fd00:3::/48
/interface wireguard peers add interface="germany1" name="shanghai1" comment="shanghai1" public-key="AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=" preshared-key="MzQUU7b1B0kBpyb8KfVjMp7yo7Rd4kPlWafeWBAadFs=" allowed-address=10.0.0.4/32,fd00::4/128 endpoint-address="shanghai1.com" endpoint-port=51820
/ip route add dst-address=192.168.3.0/24 gateway="germany1" comment="wg-meshconf germany1"
/ipv6 route add dst-address=fd00:3::/48 gateway="germany1" comment="wg-meshconf germany1"
