import ConfigLoader
import DialtoneConfig
import Testing

/// The `http:` section (issue 16): listen addresses, what it needs, and how a reload treats it.
struct HTTPConfigTests {
    static let tftp = """
        tftp:
          root: /srv/tftp
        """

    func load(_ yaml: String) throws(ConfigErrors) -> DialtoneConfiguration {
        try ConfigLoader.load(yaml: yaml, file: "/etc/dialtone/dialtone.yaml")
    }

    func errors(_ yaml: String) -> [String] {
        do {
            _ = try load(yaml)
            return []
        } catch {
            return error.errors.map { "\($0.keyPath): \($0.message)" }
        }
    }

    @Test func listenTakesPortsAloneAndDefaultsToCiscoAndAlternateHTTP() throws {
        let given = try load(Self.tftp + "\nhttp: { listen: [\":6970\", \"198.18.0.1:80\"] }")
        #expect(given.http?.listen.map(\.description) == ["0.0.0.0:6970", "198.18.0.1:80"])
        #expect(given.enabledServices.last == "http")
        let defaults = try load(Self.tftp + "\nhttp: {}")
        #expect(defaults.http?.listen.map(\.description) == ["0.0.0.0:6970", "0.0.0.0:8080"])
        #expect(try load(Self.tftp + "\nhttp: { enabled: false }").http == nil)
        #expect(try load(Self.tftp).http == nil)
    }

    @Test func httpNeedsTheTFTPRootItServes() {
        #expect(
            errors("http: { listen: [\":6970\"] }") == [
                "http.listen: http serves the TFTP root: add a `tftp` section with `root`"
            ])
    }

    @Test func portsAreNotSharedWithinTheSectionOrWithTheWebServer() {
        #expect(
            errors(Self.tftp + "\nhttp: { listen: [\":6970\", \"127.0.0.1:6970\"] }")
                == ["http.listen: port 6970 is listed twice"])
        #expect(
            errors(Self.tftp + "\nweb: { listen: \"127.0.0.1:8080\" }\nhttp: {}")
                == ["http.listen: port 8080 is the web server's (`web.listen`): pick another"])
        #expect(
            errors(Self.tftp + "\nhttp: { listen: [] }") == [
                "http.listen: expected at least one address such as 0.0.0.0:6970"
            ])
        #expect(errors(Self.tftp + "\nhttp: { root: /x }").first?.contains("root") == true)
    }

    @Test func aReloadKeepsTheRunningListenersAndNamesTheChange() throws {
        let running = try load(Self.tftp + "\nhttp: { listen: [\":6970\"] }")
        let loaded = try load(Self.tftp + "\nhttp: { listen: [\":8081\"] }")
        let plan = ReloadPlan(running: running, loaded: loaded)
        #expect(plan.needsRestart == ["http"])
        #expect(plan.effective.http == running.http)
    }

    static func dhcp(http64: String) -> String {
        """
        dhcp:
          interfaces: [eth1]
          subnets:
            - subnet: 198.18.0.0/24
              pools: ["198.18.0.100-198.18.0.150"]
              boot_files: { efi64: snponly.efi, http64: "\(http64)" }

        """
    }

    /// `check`'s advisory: an HTTP Boot file name with nothing to serve it as a URL.
    @Test func anHTTPBootFileNameWithoutHTTPIsAnAdvisory() throws {
        let advisories = try #require(try load(Self.dhcp(http64: "ipxe.efi") + Self.tftp).dhcp).advisories
        #expect(advisories.count == 1)
        #expect(advisories.first?.keyPath == "dhcp.subnets[0].boot_files")
        #expect(advisories.first?.mark?.line == 6)  // the boot_files line
        #expect(advisories.first?.message.hasPrefix("subnet 198.18.0.0/24 names `ipxe.efi` for UEFI HTTP Boot") == true)
        let served = try load(Self.dhcp(http64: "ipxe.efi") + Self.tftp + "\nhttp: {}")
        #expect(served.dhcp?.advisories.isEmpty == true)
        let url = try load(Self.dhcp(http64: "http://198.18.0.9/ipxe.efi") + Self.tftp)
        #expect(url.dhcp?.advisories.isEmpty == true)
    }
}
