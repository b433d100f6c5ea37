import CARPCache
import DialtoneConfig
import Foundation
import ServiceSupport
import WireSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Checks whether some device already uses an address, by ICMP echo or by ARP. Blocking calls with a short
/// deadline, run off the event loop on the prober's own task, ahead of allocation: an OFFER never waits.
struct ConflictProber: Sendable {
    let method: DHCPConfiguration.ConflictCheck
    let timeout: Duration

    /// What answered on a probed address: nil when nothing did. `mac` is known for ARP probes.
    struct Answer: Sendable {
        var mac: MACAddress?
    }

    func probe(_ address: IPv4Address, localSubnets: [IPv4Subnet]) -> Answer? {
        switch method {
        case .off: return nil
        case .icmp: return pingAnswers(address) ? Answer(mac: nil) : nil
        case .arp:
            // ARP only reaches our own links; an address behind a relay is pinged instead.
            if localSubnets.contains(where: { $0.contains(address) }) {
                return arpResolves(address).map { Answer(mac: $0) }
            }
            return pingAnswers(address) ? Answer(mac: nil) : nil
        }
    }

    /// One ICMP echo on a raw socket (needs CAP_NET_RAW, which `serve` has as root).
    func pingAnswers(_ address: IPv4Address) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let identifier = UInt16(truncatingIfNeeded: getpid())
        let sequence = UInt16.random(in: 1...UInt16.max)
        var packet: [UInt8] = [
            8, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xFF), UInt8(sequence >> 8), UInt8(sequence & 0xFF),
        ]
        packet += Array("dialtone-conflict-check".utf8)
        let checksum = Self.checksum(packet)
        packet[2] = UInt8(checksum >> 8)
        packet[3] = UInt8(checksum & 0xFF)
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = address.rawValue.bigEndian
        let sent = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, packet, packet.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == packet.count else { return false }
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 1500)
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            var tv = timeval(
                tv_sec: Int(left.components.seconds), tv_usec: Int(left.components.attoseconds / 1_000_000_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return false }
            // Raw ICMP sockets deliver the IP header too: skip IHL words, then match our echo reply.
            let ihl = Int(buffer[0] & 0x0F) * 4
            guard n >= ihl + 8 else { continue }
            let source = IPv4Address(buffer[12], buffer[13], buffer[14], buffer[15])
            if source == address, buffer[ihl] == 0,
                UInt16(buffer[ihl + 4]) << 8 | UInt16(buffer[ihl + 5]) == identifier,
                UInt16(buffer[ihl + 6]) << 8 | UInt16(buffer[ihl + 7]) == sequence
            {
                return true
            }
        }
        return false
    }

    /// Makes the kernel ARP for the address (a datagram to the discard port), then reads its neighbour table.
    /// Any entry already there goes first: a complete one may be stale (the host left), or one the DHCP
    /// socket added itself to unicast an OFFER (SIOCSARP), and only a fresh answer proves a device.
    /// Returns the MAC that answered, nil when none did.
    func arpResolves(_ address: IPv4Address) -> MACAddress? {
        _ = dialtone_arp_delete(address.rawValue.bigEndian)
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(9).bigEndian
        target.sin_addr.s_addr = address.rawValue.bigEndian
        let byte: [UInt8] = [0]
        _ = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, byte, 1, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let mac = Self.neighbourComplete(address) { return mac }
            usleep(50_000)
        }
        return Self.neighbourComplete(address)
    }

    /// /proc/net/arp: "IP address  HW type  Flags  HW address ..."; flags 0x2 = complete (ATF_COM). Returns
    /// the entry's hardware address.
    static func neighbourComplete(_ address: IPv4Address) -> MACAddress? {
        guard let table = try? String(contentsOfFile: "/proc/net/arp", encoding: .utf8) else { return nil }
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 4, fields[0] == address.description, let flags = Int(fields[2].dropFirst(2), radix: 16),
                flags & 0x2 != 0
            {
                return MACAddress(String(fields[3])) ?? MACAddress(bytes: [0, 0, 0, 0, 0, 0])
            }
        }
        return nil
    }

    /// RFC 1071 Internet checksum.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
