# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="shanghai1"]] = 0) do={ /interface wireguard add name="shanghai1" }
/interface wireguard set [find where name="shanghai1"] listen-port=51820 mtu=1420 private-key="CGyR7goj/uGH3TQHgVknpb9ZBR+/yMfkve+kVNGBYlg=" comment="shanghai1"
/interface wireguard peers remove [find where interface="shanghai1"]
/ip address remove [find where comment="wg-meshconf shanghai1"]
/ipv6 address remove [find where comment="wg-meshconf shanghai1"]
/ip route remove [find where comment="wg-meshconf shanghai1"]
/ipv6 route remove [find where comment="wg-meshconf shanghai1"]
/ip address add address=10.4.0.1/16 interface="shanghai1" comment="wg-meshconf shanghai1"
/interface wireguard peers add interface="shanghai1" name="tokyo1" comment="tokyo1" public-key="i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" allowed-address=10.1.0.1/32 endpoint-address="tokyo1.com" endpoint-port=51820 persistent-keepalive=25s
/interface wireguard peers add interface="shanghai1" name="canada1" comment="canada1" public-key="00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=" allowed-address=10.3.0.1/32,10.2.0.1/32 endpoint-address="canada1.com" endpoint-port=51820 persistent-keepalive=25s
/ip route add dst-address=10.1.0.1/32 gateway="shanghai1" comment="wg-meshconf shanghai1"
/ip route add dst-address=10.3.0.1/32 gateway="shanghai1" comment="wg-meshconf shanghai1"
/ip route add dst-address=10.2.0.1/32 gateway="shanghai1" comment="wg-meshconf shanghai1"
