import ConfigLoader
import DialtoneConfig
import PeerImport
import Testing
import WireSupport

/// The translated YAML must pass Dialtone's own validator, and what it cannot carry must be said.
@Suite struct DnsmasqConfigImportTests {
    // A dnsmasq.conf in the style of dnsmasq's own dnsmasq.conf.example.
    static let sample = """
        # Voice VLAN
        port=0
        interface=eth1
        dhcp-authoritative
        domain=voice.example
        dhcp-range=198.18.0.100,198.18.0.150,255.255.255.0,12h
        dhcp-range=198.18.0.200,198.18.0.210,255.255.255.0
        dhcp-range=set:lab,198.18.1.10,198.18.1.20,1w
        dhcp-option=option:router,198.18.0.1
        dhcp-option=6,198.18.0.1,198.18.0.2
        dhcp-option=150,198.18.0.1
        dhcp-option=option:ntp-server,198.18.0.1  # NTP
        dhcp-option=242,"MCIPADD=198.18.0.5,HTTPSRVR=198.18.0.1"
        dhcp-option=tag:lab,option:router,198.18.1.1
        dhcp-option=option:netmask,255.255.255.0
        dhcp-option=option:domain-search,voice.example,example
        dhcp-host=00:1e:7a:25:54:a1,198.18.0.50,lobby-phone
        dhcp-host=id:01:02:00:00:00:00:51,198.18.0.51
        dhcp-host=laptop,198.18.0.52
        dhcp-host=02:00:00:00:00:53,ignore
        dhcp-host=02:00:00:00:00:54,10.0.0.5
        dhcp-boot=pxelinux.0,boothost,198.18.0.1
        enable-tftp
        tftp-root=/srv/tftp
        """

    @Test func translatesRangesHostsAndOptionsIntoValidYAML() throws {
        let config = DnsmasqConfig.translate(Self.sample, file: "dnsmasq.conf")
        let yaml = ConfigYAMLWriter.yaml(config, source: "dnsmasq dnsmasq.conf")
        let loaded = try ConfigLoader.load(yaml: yaml, file: "imported.yaml")
        let dhcp = try #require(loaded.dhcp)
        #expect(dhcp.interfaces == ["eth1"])
        #expect(dhcp.authoritative)
        #expect(dhcp.subnets.map(\.subnet.description) == ["198.18.0.0/24", "198.18.1.0/24"])
        let voice = dhcp.subnets[0]
        #expect(voice.pools.map(\.description) == ["198.18.0.100-198.18.0.150", "198.18.0.200-198.18.0.210"])
        #expect(voice.leaseTime == .seconds(43_200))
        #expect(voice.routers.map(\.description) == ["198.18.0.1"])
        #expect(voice.dnsServers.map(\.description) == ["198.18.0.1", "198.18.0.2"])
        #expect(voice.tftpServers.map(\.description) == ["198.18.0.1"])
        #expect(voice.ntpServers.map(\.description) == ["198.18.0.1"])
        #expect(voice.domainName == "voice.example")
        #expect(voice.bootFile == "pxelinux.0")
        #expect(voice.nextServer?.description == "198.18.0.1")
        #expect(voice.options.map(\.code.rawValue) == [242])
        #expect(voice.options.first?.value == Array("MCIPADD=198.18.0.5,HTTPSRVR=198.18.0.1".utf8))
        #expect(voice.reservations.map(\.ip.description) == ["198.18.0.50", "198.18.0.51"])
        #expect(voice.reservations[0].hostname == "lobby-phone")
        // Client id type 1 + MAC is that MAC (RFC 2132 §9.14).
        #expect(voice.reservations[1].mac?.description == "02:00:00:00:00:51")
        #expect(dhcp.subnets[1].leaseTime == .seconds(7 * 86_400))
        #expect(loaded.tftp?.root == "/srv/tftp")

        let notes = config.notes.joined(separator: "\n")
        for expected in [
            "dnsmasq.conf:2: `port=0` has no Dialtone equivalent", "dnsmasq.conf:8: `dhcp-range=set:lab",
            "dnsmasq.conf:14: `dhcp-option=tag:lab", "dnsmasq.conf:15: `dhcp-option=option:netmask",
            "dnsmasq.conf:16: `dhcp-option=option:domain-search,voice.example,example`: option 119 has a structured encoding",
            "dnsmasq.conf:19: `dhcp-host=laptop", "dnsmasq.conf:20: `dhcp-host=02:00:00:00:00:53,ignore`",
            "dnsmasq.conf:21: reservation of 10.0.0.5 lies in no dhcp-range's subnet",
        ] {
            #expect(notes.contains(expected), "\(expected)")
        }
    }

    @Test func aRangeWithoutNetmaskIsAssumedAndSaid() throws {
        let config = DnsmasqConfig.translate("dhcp-range=198.18.0.10,198.18.3.20\n", file: "d.conf")
        #expect(config.subnets.map(\.subnet.description) == ["198.18.0.0/22"])
        #expect(config.notes.first?.contains("has no netmask") == true)
        #expect(config.notes.contains { $0.contains("own address as router and DNS server") })
        #expect(throws: Never.self) {
            try ConfigLoader.load(yaml: ConfigYAMLWriter.yaml(config, source: "d"), file: "x.yaml")
        }
    }
}

/// dnsmasq's proxy mode (`dhcp-range=NETWORK,proxy` beside `dhcp-boot`) becomes a `proxy: true` subnet.
@Suite struct DnsmasqProxyImportTests {
    @Test func aProxyRangeBecomesAProxySubnetWithItsBootFile() throws {
        let conf = """
            dhcp-range=198.18.0.0,proxy,255.255.255.0
            dhcp-option=option:router,198.18.0.1
            dhcp-host=02:00:00:00:00:01,198.18.0.50
            dhcp-boot=undionly.kpxe,,198.18.0.9
            """
        let config = DnsmasqConfig.translate(conf + "\n", file: "d.conf")
        let loaded = try ConfigLoader.load(yaml: ConfigYAMLWriter.yaml(config, source: "d"), file: "x.yaml")
        let subnet = try #require(loaded.dhcp?.subnets.first)
        #expect(subnet.proxy && subnet.pools.isEmpty && subnet.routers.isEmpty && subnet.reservations.isEmpty)
        #expect(subnet.bootFile == "undionly.kpxe" && subnet.nextServer?.description == "198.18.0.9")
        #expect(config.notes.contains { $0.contains("d.conf:3: reservation of 198.18.0.50 is on a proxy range") })
        #expect(!config.notes.contains { $0.contains("router and DNS server") })
    }

    @Test func withoutDhcpBootItSaysWhatCheckWillRefuse() {
        let config = DnsmasqConfig.translate("dhcp-range=198.18.0.0,proxy\n", file: "d.conf")
        #expect(config.subnets.first?.proxy == true)
        #expect(config.notes.contains { $0.contains("proxy subnet 198.18.0.0/24 has no dhcp-boot") })
    }
}

@Suite struct Tftpd32ConfigImportTests {
    // Tftpd32 4.x writes its DHCP settings into tftpd32.ini's [DHCP] section.
    static let sample = """
        [TFTPD32]
        BaseDirectory=C:\\tftp
        [DHCP]
        IP_Pool=198.18.0.100\r
        PoolSize=20
        BootFile=SEP.cnf.xml
        DNS=198.18.0.1
        DNS2=198.18.0.2
        WINS=0.0.0.0
        Mask=255.255.255.0
        Gateway=198.18.0.1
        Domain=voice.example
        Lease (minutes)=2880
        AddOptionNumber1=150
        AddOptionValue1=198.18.0.1
        AddOptionNumber2=242
        AddOptionValue2=MCIPADD=198.18.0.5
        AddOptionNumber3=51
        AddOptionValue3=60
        Ping=1
        """

    @Test func translatesThePoolAndOptionsIntoValidYAML() throws {
        let config = Tftpd32Config.translate(Self.sample, file: "tftpd32.ini")
        let yaml = ConfigYAMLWriter.yaml(config, source: "tftpd32 tftpd32.ini")
        let loaded = try ConfigLoader.load(yaml: yaml, file: "imported.yaml")
        let subnet = try #require(loaded.dhcp?.subnets.first)
        #expect(subnet.subnet.description == "198.18.0.0/24")
        #expect(subnet.pools.map(\.description) == ["198.18.0.100-198.18.0.119"])
        #expect(subnet.routers.map(\.description) == ["198.18.0.1"])
        #expect(subnet.dnsServers.map(\.description) == ["198.18.0.1", "198.18.0.2"])
        #expect(subnet.domainName == "voice.example")
        #expect(subnet.bootFile == "SEP.cnf.xml")
        #expect(subnet.leaseTime == .seconds(2880 * 60))
        // Tftpd32 would have sent "198.18.0.1" as 10 bytes of text; Dialtone sends the 4-byte address.
        #expect(subnet.tftpServers.map(\.description) == ["198.18.0.1"])
        #expect(subnet.options.map(\.code.rawValue) == [242])
        let notes = config.notes.joined(separator: "\n")
        #expect(notes.contains("tftpd32.ini:14: custom option 150 `198.18.0.1`: Tftpd32 sent it as 10 bytes of text"))
        #expect(notes.contains("tftpd32.ini:18: custom option 51: Dialtone sets the lease time"))
        #expect(notes.contains("tftpd32.ini:20: [DHCP] ping=1 has no Dialtone equivalent"))
        #expect(notes.contains("set dhcp.interfaces"))
    }

    @Test func noPoolNoSubnet() {
        let config = Tftpd32Config.translate("[DHCP]\nPoolSize=10\n", file: "t.ini")
        #expect(config.subnets.isEmpty)
        #expect(
            config.notes == ["t.ini: no [DHCP] IP_Pool: Tftpd32's DHCP server was not set up; the YAML has no subnet"])
    }
}
