import ConfigLoader
import DialtoneConfig
import Testing

/// Golden tests: for each kind of mistake, the exact message an admin sees (file:line:column: key: problem).
@Suite struct ConfigErrorGoldenTests: ConfigTextLoading {
    static let base = """
        dhcp:
          interfaces: [eth1]
          subnets:
            - subnet: 192.168.10.0/24
              pools: ["192.168.10.1-192.168.10.5"]
        """

    @Test func validMinimalConfig() throws {
        let config = try ConfigLoader.load(yaml: Self.base, file: "x.yaml")
        #expect(config.dhcp?.interfaces == ["eth1"])
        #expect(config.dhcp?.subnets.first?.leaseTime.seconds == 43200)
        #expect(config.enabledServices == ["dhcp"])
    }

    @Test(arguments: [
        (
            "dhcp:\n  intefaces: [eth1]\n  subnets: []\n",
            "x.yaml:2:3: dhcp.intefaces: unknown key `intefaces` in dhcp (line 2); did you mean `interfaces`?"
        ),
        (
            "tftpp:\n  root: /srv\n",
            "x.yaml:1:1: tftpp: unknown key `tftpp` in the top level (line 1); did you mean `tftp`?"
        ),
        (
            "dhcp:\n  subnets: []\n",
            "x.yaml:2:3: dhcp.interfaces: required key `interfaces` is missing (the interfaces DHCP answers on, e.g. [eth1])"
        ),
        (
            base + "\n      lease_time: 12 hours\n",
            "x.yaml:6:19: dhcp.subnets[0].lease_time: `12 hours` is not a duration; write a number and a unit: 500ms, 30s, 5m, 12h, 2d"
        ),
        (
            "dhcp:\n  interfaces: [eth1]\n  subnets:\n    - subnet: 192.168.10.5/24\n      pools: []\n",
            "x.yaml:4:15: dhcp.subnets[0].subnet: `192.168.10.5/24` is not a subnet in CIDR form (network/prefix, e.g. 192.168.10.0/24); the network of 192.168.10.5/24 is 192.168.10.0/24"
        ),
        (
            "dhcp:\n  interfaces: [eth1]\n  subnets:\n    - subnet: 192.168.10.0/24\n      pools: [\"192.168.10.9-192.168.10.1\"]\n",
            "x.yaml:5:15: dhcp.subnets[0].pools[0]: `192.168.10.9-192.168.10.1` is not an address range (first-last, first <= last, e.g. 192.168.10.1-192.168.10.5)"
        ),
        (
            "dhcp:\n  interfaces: [eth1]\n  subnets:\n    - subnet: 192.168.10.0/24\n      pools: [\"192.168.11.1-192.168.11.5\"]\n",
            "x.yaml:5:14: dhcp.subnets[0].pools[0]: pool 192.168.11.1-192.168.11.5 is not inside subnet 192.168.10.0/24"
        ),
        (
            base + "\n      reservations:\n        - { mac: \"00:1e:7a:25:54\", ip: 192.168.10.50 }\n",
            "x.yaml:7:18: dhcp.subnets[0].reservations[0].mac: `00:1e:7a:25:54` is not a MAC address (00:1e:7a:25:54:a1, 00-1E-7A-25-54-A1, 001e.7a25.54a1 or 001E7A2554A1)"
        ),
        (
            base + "\n      options:\n        - { code: 150, type: string, value: \"10.0.0.1\" }\n",
            "x.yaml:7:30: dhcp.subnets[0].options[0].type: option 150 is defined as ipv4-list (RFC 2132/5859), not string"
        ),
        (
            base + "\n      options:\n        - { code: 53, type: uint8, value: 1 }\n",
            "x.yaml:7:19: dhcp.subnets[0].options[0].code: option 53 is the message type and is set by the server, not the config"
        ),
        (
            base + "\n      options:\n        - { code: 242, type: text, value: x }\n",
            "x.yaml:7:30: dhcp.subnets[0].options[0].type: `text` is not one of ipv4, ipv4-list, uint8, uint16, uint32, bool, string, hex"
        ),
        (
            base + "\n      options:\n        - { code: 42, type: ipv4-list, value: [10.0.0.300] }\n",
            "x.yaml:7:48: dhcp.subnets[0].options[0].value[0]: `10.0.0.300` is not an IPv4 address (expected a.b.c.d)"
        ),
        (
            base + "\nweb: { listen: \"0.0.0.0:8067\" }\n",
            "x.yaml:6:6: web.token: web listens on 0.0.0.0:8067 beyond loopback: set `token` so the API is not open to the network"
        ),
        (
            base + "\ntftp: { root: /srv, max_block_size: 70000 }\n",
            "x.yaml:6:37: tftp.max_block_size: 70000 is out of range 512...65464"
        ),
        ("dhcp: [eth1]\n", "x.yaml:1:7: dhcp: expected a mapping of keys, found a list"),
        (
            "dhcp:\n  interfaces: [eth1\n",
            "x.yaml:3:1: YAML syntax error: while parsing a flow sequence: did not find expected ',' or ']'"
        ),
        (base + "\n  port: 67\n  port: 1067\n", "x.yaml:7:3: dhcp.port: key `port` appears twice in dhcp"),
        (
            base + "\n  port: 1067\n  client_port: 1067\n",
            "x.yaml:7:16: dhcp.client_port: client_port must differ from port (1067): replies go to the client port"
        ),
        (
            "dhcp:\n  interfaces: [eth1]\n  subnets:\n    - subnet: 192.168.10.0/24\n",
            "x.yaml:4:15: dhcp.subnets[0].subnet: subnet 192.168.10.0/24 has neither pools nor reservations, so no client could get an address"
        ),
    ])
    func golden(_ yaml: String, _ expected: String) {
        let found = errors(yaml)
        #expect(found.contains(expected), "got: \(found)")
    }

    @Test func everyErrorIsReportedAtOnce() {
        let found = errors(
            "dhcp:\n  intefaces: [eth1]\n  subnets:\n    - subnet: 10.0.0.0/8\n      lease_time: soon\n      pools: []\ntftp: {}\n"
        )
        #expect(found.count >= 4, "\(found)")
    }

    @Test func durationsAndDefaults() throws {
        #expect(ConfigDuration("30s")?.milliseconds == 30_000)
        #expect(ConfigDuration("5m")?.seconds == 300)
        #expect(ConfigDuration("2d")?.description == "2d")
        #expect(ConfigDuration("500ms")?.milliseconds == 500)
        #expect(ConfigDuration("12x") == nil)
        let config = try ConfigLoader.load(yaml: Self.base + "\ntftp: { root: ./root }\nsntp:\n", file: "x.yaml")
        #expect(config.tftp?.listen.first?.port == 69)
        #expect(config.tftp?.allowWrite == false)
        #expect(config.sntp?.stratum == 10, "an empty section is enabled with defaults")
        let disabled = try ConfigLoader.load(yaml: Self.base + "\nsyslog: { enabled: false }\n", file: "x.yaml")
        #expect(disabled.syslog == nil)
    }
}
