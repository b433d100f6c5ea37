import Foundation
import WireSupport

#if canImport(Glibc)
    import Glibc
#endif

extension SimulatedPhone {
    /// One RFC 3164 line to the server's syslog port, from the phone's leased address when it binds one (as a
    /// real phone with a syslog server configured does after it registers), so the server ties it to this
    /// phone's MAC through the lease. Facility local7, severity 6 (info): <190>.
    func sendSyslog(_ text: String) {
        guard let port = setup.syslogPort else { return }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        if setup.bindLeasedAddress, let leased = report.address {
            var local = Self.address(leased, 0)
            _ = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        let stamp = Self.syslogTimestamp(Date())
        let line = Array("<190>\(stamp) SEP\(setup.mac.compactUppercase) phone: \(text)".utf8)
        var server = Self.address(setup.server, port)
        _ = withUnsafePointer(to: &server) { to in
            to.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, line, line.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// RFC 3164 §4.1.2 TIMESTAMP: "Mmm dd hh:mm:ss", day padded with a space, local time.
    static func syslogTimestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "MMM d HH:mm:ss"
        let text = formatter.string(from: date)
        // "Nov 6 10:00:00" -> "Nov  6 10:00:00"
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let day = parts[1].split(separator: " ").first, day.count == 1 else { return text }
        return parts[0] + "  " + parts[1]
    }
}
