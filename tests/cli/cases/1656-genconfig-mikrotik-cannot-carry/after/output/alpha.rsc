# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="alpha"]] = 0) do={ /interface wireguard add name="alpha" }
/interface wireguard set [find where name="alpha"] listen-port=51820 mtu=1420 private-key="yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=" comment="alpha"
/interface wireguard peers remove [find where interface="alpha"]
/ip address remove [find where comment="wg-meshconf alpha"]
/ipv6 address remove [find where comment="wg-meshconf alpha"]
/ip route remove [find where comment="wg-meshconf alpha"]
/ipv6 route remove [find where comment="wg-meshconf alpha"]
/ip address add address=10.0.0.1/24 interface="alpha" comment="wg-meshconf alpha"
/interface wireguard peers add interface="alpha" name="beta" comment="beta" public-key="m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" allowed-address=10.0.0.2/32 endpoint-address="beta.example" endpoint-port=51820
