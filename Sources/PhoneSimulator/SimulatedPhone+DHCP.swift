import DHCPWire
import Foundation
import ServiceSupport
import WireSupport

#if canImport(Glibc)
    import Glibc
#endif

extension SimulatedPhone {
    /// DISCOVER/OFFER/REQUEST/ACK with the phone's retransmit schedule; every ignored reply is reported with
    /// the quirk that made the phone ignore it.
    func dhcp() -> (IPv4Address, IPv4Address)? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return fail("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var one: Int32 = 1
        if setup.sharesServerPort {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var local = Self.address(setup.relay, setup.dhcpPort)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { return fail(Self.bindFailure(errno, relay: setup.relay, port: setup.dhcpPort)) }
        let server = Self.address(setup.server, setup.dhcpPort)
        let started = Date()
        var heard = 0
        for (attempt, wait) in [4.0, 8, 16, 32, 64].enumerated() {
            let xid = UInt32.random(in: 1...UInt32.max)
            let secs = UInt16(min(65535, Date().timeIntervalSince(started)))
            send(
                fd,
                OfferCheck.request(
                    .discover, mac: setup.mac, xid: xid, model: setup.model, giaddr: setup.relay, secs: secs),
                to: server)
            let sent = Date()
            let deadline = sent.addingTimeInterval(wait * setup.timeScale)
            while let (bytes, message) = receive(fd, xid: xid, until: deadline) {
                heard += 1
                guard message.messageType == .offer else { continue }
                let elapsed = Int64(Date().timeIntervalSince(sent) * 1000 / setup.timeScale)
                let (rejections, tftp) = OfferCheck.check(
                    bytes, message, elapsedMilliseconds: elapsed, quirks: setup.quirks)
                if !rejections.isEmpty || tftp == nil {
                    report.rejections.append(
                        "offer \(attempt + 1): " + rejections.map(\.description).joined(separator: ", "))
                    onEvent?("ignored an offer: \(rejections.map(\.description).joined(separator: ", "))")
                    continue
                }
                report.offerLatencyMilliseconds = Date().timeIntervalSince(sent) * 1000
                let serverID = (try? message.options.serverIdentifier) ?? nil
                send(
                    fd,
                    OfferCheck.request(
                        .request, mac: setup.mac, xid: xid, model: setup.model, giaddr: setup.relay,
                        requested: message.yiaddr, server: serverID, secs: secs), to: server)
                while let (_, ack) = receive(fd, xid: xid, until: Date().addingTimeInterval(4 * setup.timeScale)) {
                    if ack.messageType == .ack {
                        onEvent?("leased \(ack.yiaddr), TFTP \(tftp!)")
                        return (ack.yiaddr, tftp!)
                    }
                    if ack.messageType == .nak { break }
                }
                break
            }
        }
        // Say what was sent, from where, to where: "nothing heard" alone sent admins hunting (issue 19).
        return fail(
            "no usable offer after 5 DISCOVERs sent from relay \(setup.relay):\(setup.dhcpPort) (giaddr \(setup.relay)) to "
                + "\(setup.server):\(setup.dhcpPort); \(heard == 0 ? "no reply for this phone reached the relay socket" : "\(heard) replies heard, none usable")"
        )
    }

    /// Why the relay socket could not be bound, with the way out. EADDRINUSE on the server's port is the
    /// usual case: the server runs on this host and owns the port, so its replies to the relay would go
    /// to it, not to us.
    static func bindFailure(_ code: Int32, relay: IPv4Address, port: UInt16) -> String {
        var text = "cannot bind the relay address \(relay):\(port): \(String(cString: strerror(code)))"
        if code == EADDRINUSE {
            let holders = PortHolder.holders(port: Int(port))
            text +=
                " (held by \(holders.isEmpty ? "another process" : holders.joined(separator: ", "))). A relay agent "
                + "receives the server's replies on the server's port, so it needs that port to itself on its address: "
                + "run the simulator on another host or network namespace than the server (or use `dialtone demo`, "
                + "whose phones share the server's process)"
        } else if code == EADDRNOTAVAIL {
            text += ". The relay address must be an address of this host (ip addr add \(relay)/32 dev lo)"
        }
        return text
    }

    private func fail<T>(_ reason: String) -> T? {
        report.error = reason
        return nil
    }

    static func address(_ ip: IPv4Address, _ port: UInt16) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = ip.rawValue.bigEndian
        return a
    }

    private func send(_ fd: Int32, _ bytes: [UInt8], to address: sockaddr_in) {
        var target = address
        _ = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// The next reply for this phone (xid and chaddr match) before `deadline`.
    private func receive(_ fd: Int32, xid: UInt32, until deadline: Date) -> ([UInt8], DHCPMessage)? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            var tv = timeval(tv_sec: Int(left), tv_usec: Int((left - floor(left)) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { continue }
            let bytes = Array(buffer[0..<n])
            guard let message = try? DHCPMessage(decoding: bytes), message.op == DHCPMessage.bootReply,
                message.xid == xid,
                message.clientMAC == setup.mac
            else { continue }
            return (bytes, message)
        }
    }
}
