import ConfigLoader
import DialtoneConfig
import Testing

/// Issue 16's keys: `boot_files` by option 93 name or code, `ipxe_script`, a class's `boot_file` and
/// `next_server`, and the advisory `dialtone check` prints for the loop-making config.
@Suite struct NetbootConfigTests: ConfigTextLoading {
    static let base = """
        dhcp:
          interfaces: [eth1]
          subnets:
            - subnet: 192.168.10.0/24
              pools: ["192.168.10.1-192.168.10.5"]
              boot_file: undionly.kpxe
        """

    @Test func bootFilesByNameAndCode() throws {
        let yaml =
            Self.base + "\n      boot_files: { bios: undionly.kpxe, efi64: snponly.efi, 9: x64.efi }"
            + "\n      ipxe_script: boot.ipxe\n"
        let subnet = try #require(try ConfigLoader.load(yaml: yaml, file: "x.yaml").dhcp?.subnets.first)
        #expect(subnet.bootFilesByArchitecture == [0: "undionly.kpxe", 7: "snponly.efi", 9: "x64.efi"])
        #expect(subnet.ipxeScript == "boot.ipxe")
        #expect(subnet.netboot.bootFile == "undionly.kpxe")
    }

    @Test func classBootKeys() throws {
        let yaml =
            Self.base
            + "\n  classes:\n    - name: uefi\n      match: { client_arch: [7, 9] }\n      boot_file: snponly.efi"
            + "\n      next_server: 192.168.10.9\n"
        let config = try ConfigLoader.load(yaml: yaml, file: "x.yaml")
        let cls = try #require(config.dhcp?.classes.first)
        #expect(cls.netboot.bootFile == "snponly.efi")
        #expect(cls.netboot.nextServer?.description == "192.168.10.9")
        #expect(config.dhcp?.advisories == [])
    }

    @Test func anUnknownArchitectureIsNamedWithASuggestion() {
        #expect(
            errors(Self.base + "\n      boot_files: { efi46: snponly.efi }\n") == [
                "x.yaml:7:21: dhcp.subnets[0].boot_files.efi46: unknown architecture `efi46` in "
                    + "dhcp.subnets[0].boot_files; did you mean `efi64`?"
            ])
        #expect(
            errors(Self.base + "\n      boot_files: [undionly.kpxe]\n").first?.contains(
                "expected a mapping of architecture to file") == true)
    }

    /// The bug: the class sets option 67 through `options:`, the subnet's boot_file names another.
    @Test func classOption67BesideASubnetBootFileIsAnAdvisory() throws {
        let yaml =
            Self.base + "\n  classes:\n    - name: ipxe\n      match: { user_class: iPXE }\n      options:"
            + "\n        - { code: 67, type: string, value: boot.ipxe }\n"
        let config = try ConfigLoader.load(yaml: yaml, file: "x.yaml")
        let advisory = try #require(config.dhcp?.advisories.first)
        #expect(advisory.mark?.line == 11)
        #expect(advisory.keyPath == "dhcp.classes[0].options")
        #expect(advisory.description.contains("`boot.ipxe`") && advisory.description.contains("`undionly.kpxe`"))
        // The same class with boot_file instead says one thing.
        let fixed =
            Self.base
            + "\n  classes:\n    - name: ipxe\n      match: { user_class: iPXE }\n      boot_file: boot.ipxe\n"
        #expect(try ConfigLoader.load(yaml: fixed, file: "x.yaml").dhcp?.advisories == [])
    }

    @Test func aSubnetOption67BesideItsBootFileIsAnAdvisory() throws {
        let yaml = Self.base + "\n      options:\n        - { code: 67, type: string, value: other.efi }\n"
        let config = try ConfigLoader.load(yaml: yaml, file: "x.yaml")
        #expect(
            config.dhcp?.advisories.map(\.description) == [
                "x.yaml:8:11: dhcp.subnets[0].options: subnet 192.168.10.0/24 sets option 67 to `other.efi` beside "
                    + "`boot_file: undionly.kpxe`; replies name `undionly.kpxe` in both. Drop the option 67"
            ])
    }

    static let proxy = """
        dhcp:
          interfaces: [eth1]
          subnets:
            - subnet: 192.168.10.0/24
              proxy: true
        """

    /// proxyDHCP: a subnet with `proxy: true` has no pool, and needs a boot file from itself or a class.
    @Test func aProxySubnetNeedsNoPoolAndGetsThePXEPort() throws {
        let config = try ConfigLoader.load(
            yaml: Self.proxy + "\n      boot_files: { bios: undionly.kpxe }\n", file: "x.yaml")
        let dhcp = try #require(config.dhcp)
        #expect(dhcp.subnets.first?.proxy == true)
        #expect(dhcp.hasProxySubnet)
        #expect(dhcp.pxePort == 4011)
        let byClass =
            Self.proxy
            + "\n  classes:\n    - name: uefi\n      match: { client_arch: [7] }\n      boot_file: snponly.efi\n"
        #expect(errors(byClass) == [])
    }

    @Test func aProxySubnetSaysNothingAboutAddressesAndNamesABootFile() {
        #expect(
            errors(Self.proxy + "\n") == [
                "x.yaml:5:7: dhcp.subnets[0].proxy: proxy subnet 192.168.10.0/24 names no boot file: a proxyDHCP "
                    + "answer is only a boot file; give boot_file, boot_files or ipxe_script here or in a class"
            ])
        #expect(
            errors(Self.proxy + "\n      boot_file: undionly.kpxe\n      pools: [\"192.168.10.1-192.168.10.5\"]\n")
                == [
                    "x.yaml:7:14: dhcp.subnets[0].pools: a proxy subnet answers with a boot file and next_server "
                        + "only; `pools` is the address server's business: remove it"
                ])
        #expect(
            errors(Self.proxy + "\n      boot_file: undionly.kpxe\n  pxe_port: 67\n") == [
                "x.yaml:7:13: dhcp.pxe_port: pxe_port must be a port other than port and client_port"
            ])
    }
}
