import ConfigLoader
import DialtoneConfig
import PrivilegePlan
import Testing

/// `http.listen` below 1024 (e.g. `:80` for UEFI HTTP Boot URLs without a port) keeps CAP_NET_BIND_SERVICE.
struct HTTPPortsTests {
    @Test func httpPortsBelow1024AreNamed() throws {
        let config = try ConfigLoader.load(
            yaml: "tftp: { root: /srv/tftp, listen: [\":6969\"] }\nhttp: { listen: [\":80\", \":6970\"] }",
            file: "/etc/dialtone/dialtone.yaml")
        #expect(PrivilegePlan.privilegedPorts(config) == ["http 80"])
    }
}
