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
/ip address add address=10.1.0.1/16 interface="tokyo1" comment="wg-meshconf tokyo1"
/interface wireguard peers add interface="tokyo1" name="germany1" comment="germany1" public-key="m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" allowed-address=10.2.0.1/32
/interface wireguard peers add interface="tokyo1" name="canada1" comment="canada1" public-key="00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=" allowed-address=10.3.0.1/32 endpoint-address="canada1.com" endpoint-port=51820
/interface wireguard peers add interface="tokyo1" name="shanghai1" comment="shanghai1" public-key="AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=" allowed-address=10.4.0.1/32
/ip route add dst-address=10.2.0.1/32 gateway="tokyo1" comment="wg-meshconf tokyo1"
/ip route add dst-address=10.3.0.1/32 gateway="tokyo1" comment="wg-meshconf tokyo1"
/ip route add dst-address=10.4.0.1/32 gateway="tokyo1" comment="wg-meshconf tokyo1"
