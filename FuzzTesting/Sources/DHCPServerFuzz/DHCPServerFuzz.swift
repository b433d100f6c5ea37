import ConfigLoader
import DHCPServerCore
import DHCPWire
import DialtoneConfig
import FuzzSupport
import WireSupport

/// libFuzzer entry point driving whole conversations through `DHCPServer.handle`, as Kea fuzzes its packet
/// processing: eight clients (one reserved by MAC, one by client id) on a direct and a relayed subnet with
/// small pools, PXE clients among them also relayed to a proxyDHCP subnet and asking on the PXE port, so they compete for addresses, renew, release, decline, move and let leases expire while the
/// clock runs. Each step is one request (`ClientScript`), answered by one server kept across the input; after
/// each, `BindingModel` checks what the clients were told against what the server holds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    var server = DHCPServer(config: configuration, servesTFTP: true, leases: [])
    var model = BindingModel()
    var now: ServerTime = 1_700_000_000_000
    var steps = 0
    while !input.isEmpty, steps < 64 {
        steps += 1
        guard let step = ClientScript.next(&input) else { continue }
        now += step.advance
        let actions = server.handle(step.request, context: step.context, now: now)
        model.check(actions, request: step.request, server: server, now: now)
        checkProxy(actions, step: step)
    }
    return 0
}

/// The fixed config, read the way `serve` reads one (a wrong key here fails the first run, loudly).
let configuration: DHCPConfiguration = {
    let yaml = """
        dhcp:
          interfaces: [eth1]
          authoritative: true
          subnets:
            - subnet: 198.18.0.0/24
              pools: ["198.18.0.10-198.18.0.13"]
              lease_time: 1h
              routers: [198.18.0.1]
              domain_name: voice.example
              options:
                - { code: 242, type: string, value: "MCIPADD=198.18.0.1,HTTPSRVR=198.18.0.1,L2QVLAN=100,TLSSRVR=x" }
              reservations:
                - { mac: "00:1e:7a:25:54:a1", ip: 198.18.0.50, hostname: lobby-phone }
                - { client_id: "ff:00:07", ip: 198.18.0.51 }
            - subnet: 198.18.1.0/24
              pools: ["198.18.1.10-198.18.1.11", "198.18.1.200-198.18.1.200"]
              lease_time: 2m
              boot_files: { bios: undionly.kpxe, efi64: snponly.efi }
              ipxe_script: http://198.18.1.1/boot.ipxe
            - subnet: 198.18.2.0/24
              proxy: true
              boot_files: { bios: undionly.kpxe, efi64: snponly.efi }
              ipxe_script: boot.ipxe
          classes:
            - name: cisco-phones
              match: { vendor_class: "Cisco Systems, Inc. IP Phone*" }
              broadcast: always
              options:
                - { code: 150, type: ipv4-list, value: [198.18.0.1, 198.18.0.2] }
            - name: big-replies
              match: { mac_prefixes: ["02:00:00:00:00:04", "02:00:00:00:00:05"] }
              options:
                - { code: 43, type: hex, value: "\(String(repeating: "41", count: 400))" }
        """
    do {
        guard let dhcp = try ConfigLoader.load(yaml: yaml, file: "DHCPServerFuzz").dhcp else {
            fatalError("the fuzz config has no dhcp section")
        }
        return dhcp
    } catch {
        fatalError("the fuzz config does not load: \(error)")
    }
}()

/// proxyDHCP: on the proxy subnet nothing is ever leased or refused (the address server owns it), and the PXE
/// port answers nobody on an ordinary subnet.
func checkProxy(_ actions: [DHCPAction], step: ClientScript) {
    for action in actions {
        switch action {
        case .commit(let lease, _):
            require(!IPv4Subnet("198.18.2.0/24")!.contains(lease.ip), "a lease on the proxy subnet: \(lease)")
            require(step.request.giaddr != ClientScript.proxyRelayAddress, "a commit for a proxied request")
        case .reply(let reply, _, _, _):
            if step.request.giaddr == ClientScript.proxyRelayAddress {
                require(reply.yiaddr.isAny, "an address offered on the proxy subnet")
                require(
                    reply.messageType == .offer || reply.messageType == .ack,
                    "a \(reply.messageType as Any) from the proxy")
                require(
                    reply.messageType == (step.context.onPXEPort ? .ack : .offer),
                    "the proxy answered on the wrong port")
            } else {
                require(!step.context.onPXEPort, "the PXE port answered on an ordinary subnet")
            }
        case .event, .remember: break
        }
    }
}
