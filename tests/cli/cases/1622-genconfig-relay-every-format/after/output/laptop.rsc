# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="laptop"]] = 0) do={ /interface wireguard add name="laptop" }
/interface wireguard set [find where name="laptop"] listen-port=51820 mtu=1420 private-key="2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko=" comment="laptop"
/interface wireguard peers remove [find where interface="laptop"]
/ip address remove [find where comment="wg-meshconf laptop"]
/ipv6 address remove [find where comment="wg-meshconf laptop"]
/ip route remove [find where comment="wg-meshconf laptop"]
/ipv6 route remove [find where comment="wg-meshconf laptop"]
/ip address add address=10.0.0.3/24 interface="laptop" comment="wg-meshconf laptop"
/ipv6 address add address=fd00::3/64 interface="laptop" advertise=no comment="wg-meshconf laptop"
/interface wireguard peers add interface="laptop" name="hub" comment="hub" public-key="i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" allowed-address=10.0.0.1/32,fd00::1/128,10.0.0.4/32,fd00::4/128,192.168.4.0/24 endpoint-address="hub.example.com" endpoint-port=51820 persistent-keepalive=25s
/interface wireguard peers add interface="laptop" name="tokyo1" comment="tokyo1" public-key="m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" allowed-address=10.0.0.2/32,fd00::2/128 endpoint-address="tokyo1.com" endpoint-port=51820 persistent-keepalive=25s
/ip route add dst-address=192.168.4.0/24 gateway="laptop" comment="wg-meshconf laptop"
