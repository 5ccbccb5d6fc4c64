# RouterOS v7: /import file-name=FILE
# Written by wg-meshconf. Importing it again replaces what it added: the
# interface is kept and set again; its peers, and the addresses and routes
# with the comment "wg-meshconf INTERFACE", are removed and added again.
:if ([:len [/interface wireguard find where name="beta"]] = 0) do={ /interface wireguard add name="beta" }
/interface wireguard set [find where name="beta"] listen-port=51820 mtu=1420 private-key="SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko=" comment="beta"
/interface wireguard peers remove [find where interface="beta"]
/ip address remove [find where comment="wg-meshconf beta"]
/ipv6 address remove [find where comment="wg-meshconf beta"]
/ip route remove [find where comment="wg-meshconf beta"]
/ipv6 route remove [find where comment="wg-meshconf beta"]
/ip address add address=10.0.0.2/24 interface="beta" comment="wg-meshconf beta"
/interface wireguard peers add interface="beta" name="alpha" comment="alpha" public-key="i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" allowed-address=10.0.0.1/32 endpoint-address="alpha.example" endpoint-port=51820
