# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="hub"]] = 0) do={ /interface wireguard add name="hub" }
/interface wireguard set [find where name="hub"] listen-port=51820 mtu=1420 private-key="yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=" comment="hub"
:if (![/ip settings get ip-forward]) do={ /ip settings set ip-forward=yes }
:if (![/ipv6 settings get forward]) do={ /ipv6 settings set forward=yes }
/interface wireguard peers remove [find where interface="hub"]
/ip address remove [find where comment="wg-meshconf hub"]
/ipv6 address remove [find where comment="wg-meshconf hub"]
/ip route remove [find where comment="wg-meshconf hub"]
/ipv6 route remove [find where comment="wg-meshconf hub"]
/ip address add address=10.0.0.1/24 interface="hub" comment="wg-meshconf hub"
/ipv6 address add address=fd00::1/64 interface="hub" advertise=no comment="wg-meshconf hub"
/interface wireguard peers add interface="hub" name="tokyo1" comment="tokyo1" public-key="m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" allowed-address=10.0.0.2/32,fd00::2/128 endpoint-address="tokyo1.com" endpoint-port=51820
/interface wireguard peers add interface="hub" name="laptop" comment="laptop" public-key="00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=" allowed-address=10.0.0.3/32,fd00::3/128
/interface wireguard peers add interface="hub" name="nas" comment="nas" public-key="AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=" allowed-address=10.0.0.4/32,fd00::4/128,192.168.4.0/24
/ip route add dst-address=192.168.4.0/24 gateway="hub" comment="wg-meshconf hub"
