# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="tokyo1"]] = 0) do={ /interface wireguard add name="tokyo1" }
/interface wireguard set [find where name="tokyo1"] listen-port=51820 mtu=1420 private-key="SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko=" comment="tokyo1"
/interface wireguard peers remove [find where interface="tokyo1"]
/ip address remove [find where comment="wg-meshconf tokyo1"]
/ipv6 address remove [find where comment="wg-meshconf tokyo1"]
/ip route remove [find where comment="wg-meshconf tokyo1"]
/ipv6 route remove [find where comment="wg-meshconf tokyo1"]
/ip address add address=10.0.0.2/24 interface="tokyo1" comment="wg-meshconf tokyo1"
/ipv6 address add address=fd00::2/64 interface="tokyo1" advertise=no comment="wg-meshconf tokyo1"
/interface wireguard peers add interface="tokyo1" name="hub" comment="hub" public-key="i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" allowed-address=10.0.0.1/32,fd00::1/128 endpoint-address="hub.example.com" endpoint-port=51820
/interface wireguard peers add interface="tokyo1" name="laptop" comment="laptop" public-key="00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=" allowed-address=10.0.0.3/32,fd00::3/128
/interface wireguard peers add interface="tokyo1" name="nas" comment="nas" public-key="AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=" allowed-address=10.0.0.4/32,fd00::4/128,192.168.4.0/24
/ip route add dst-address=192.168.4.0/24 gateway="tokyo1" comment="wg-meshconf tokyo1"
