# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="canada1"]] = 0) do={ /interface wireguard add name="canada1" }
/interface wireguard set [find where name="canada1"] listen-port=51820 mtu=1420 private-key="2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko=" comment="canada1"
:if (![/ip settings get ip-forward]) do={ /ip settings set ip-forward=yes }
/interface wireguard peers remove [find where interface="canada1"]
/ip address remove [find where comment="wg-meshconf canada1"]
/ipv6 address remove [find where comment="wg-meshconf canada1"]
/ip route remove [find where comment="wg-meshconf canada1"]
/ipv6 route remove [find where comment="wg-meshconf canada1"]
/ip address add address=10.3.0.1/16 interface="canada1" comment="wg-meshconf canada1"
/interface wireguard peers add interface="canada1" name="tokyo1" comment="tokyo1" public-key="i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" allowed-address=10.1.0.1/32 endpoint-address="tokyo1.com" endpoint-port=51820
/interface wireguard peers add interface="canada1" name="germany1" comment="germany1" public-key="m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" allowed-address=10.2.0.1/32
/interface wireguard peers add interface="canada1" name="shanghai1" comment="shanghai1" public-key="AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=" allowed-address=10.4.0.1/32
/ip route add dst-address=10.1.0.1/32 gateway="canada1" comment="wg-meshconf canada1"
/ip route add dst-address=10.2.0.1/32 gateway="canada1" comment="wg-meshconf canada1"
/ip route add dst-address=10.4.0.1/32 gateway="canada1" comment="wg-meshconf canada1"
