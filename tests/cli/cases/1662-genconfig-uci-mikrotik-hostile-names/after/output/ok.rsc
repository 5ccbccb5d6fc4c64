# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="ok"]] = 0) do={ /interface wireguard add name="ok" }
/interface wireguard set [find where name="ok"] listen-port=51820 mtu=1420 private-key="2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko=" comment="ok"
/interface wireguard peers remove [find where interface="ok"]
/ip address remove [find where comment="wg-meshconf ok"]
/ipv6 address remove [find where comment="wg-meshconf ok"]
/ip route remove [find where comment="wg-meshconf ok"]
/ipv6 route remove [find where comment="wg-meshconf ok"]
/ip address add address=10.0.0.3/24 interface="ok" comment="wg-meshconf ok"
/interface wireguard peers add interface="ok" name="it's \"\$(reboot)\" \? \\" comment="it's \"\$(reboot)\" \? \\" public-key="i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" allowed-address=10.0.0.1/32 endpoint-address="one.example" endpoint-port=51820
/interface wireguard peers add interface="ok" name="caf\C3\A9 ; x' #" comment="caf\C3\A9 ; x' #" public-key="m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" allowed-address=10.0.0.2/32 endpoint-address="two.example" endpoint-port=51820
