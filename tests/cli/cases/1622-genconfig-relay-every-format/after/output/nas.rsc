# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="nas"]] = 0) do={ /interface wireguard add name="nas" }
/interface wireguard set [find where name="nas"] listen-port=51820 mtu=1420 private-key="CGyR7goj/uGH3TQHgVknpb9ZBR+/yMfkve+kVNGBYlg=" comment="nas"
/interface wireguard peers remove [find where interface="nas"]
/ip address remove [find where comment="wg-meshconf nas"]
/ipv6 address remove [find where comment="wg-meshconf nas"]
/ip route remove [find where comment="wg-meshconf nas"]
/ipv6 route remove [find where comment="wg-meshconf nas"]
/ip address add address=10.0.0.4/24 interface="nas" comment="wg-meshconf nas"
/ipv6 address add address=fd00::4/64 interface="nas" advertise=no comment="wg-meshconf nas"
/interface wireguard peers add interface="nas" name="hub" comment="hub" public-key="i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" allowed-address=10.0.0.1/32,fd00::1/128,10.0.0.3/32,fd00::3/128 endpoint-address="hub.example.com" endpoint-port=51820 persistent-keepalive=30s
/interface wireguard peers add interface="nas" name="tokyo1" comment="tokyo1" public-key="m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" allowed-address=10.0.0.2/32,fd00::2/128 endpoint-address="tokyo1.com" endpoint-port=51820 persistent-keepalive=30s
