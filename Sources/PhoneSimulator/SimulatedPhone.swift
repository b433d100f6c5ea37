import DHCPWire
import Foundation
import Provisioning
import ServiceSupport
import TFTPClient
import TFTPCore
import TFTPWire
import WireSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A phone's boot sequence against any server, over real sockets (a Cisco's here; a Yealink's and a
/// Polycom's in SimulatedPhone+Yealink.swift and +Polycom.swift): DHCP as a relay agent (giaddr =
/// `relay`, so no root and no raw sockets are needed), then TFTP as the phone does it. Blocking: each phone
/// runs on its own thread.
public final class SimulatedPhone: @unchecked Sendable {
    public enum Mode: String, Sendable { case recovery, normal }

    public struct Setup: Sendable {
        public var mac: MACAddress
        public var model: String
        public var server: IPv4Address
        public var dhcpPort: UInt16
        /// Our relay address (giaddr); replies come back to it on `dhcpPort`.
        public var relay: IPv4Address
        public var tftpPort: UInt16
        public var mode: Mode
        public var quirks = PhoneQuirks()
        /// RFC 2131 §4.1 retransmits at 4, 8, 16, 32, 64 s; the demo scales them down.
        public var timeScale = 1.0
        /// Send TFTP from the leased address (true on loopback, where every 127/8 address is ours).
        public var bindLeasedAddress = false
        /// How long the phone takes to reboot onto a new image before its next requests (scaled by
        /// `timeScale`). A 7970 takes minutes; the default keeps simulations short, yet leaves the gap.
        public var rebootSeconds = 1.0
        /// When set, the phone sends a syslog line to the server on this port once it is done booting.
        public var syslogPort: UInt16?
        /// A Cisco 78xx/88xx asks for every file over HTTP on this port first, then TFTP when that fails
        /// (enterprise firmware uses 6970); nil: TFTP only.
        public var httpPort: UInt16?
        /// Bind the relay socket with SO_REUSEADDR. Only the demo sets it: its server runs in the same process
        /// and shares the port on purpose. Elsewhere a relay port held by another process means the server's
        /// replies go there, not here (issue 19), so the phone refuses to start instead.
        public var sharesServerPort = false

        public init(
            mac: MACAddress, model: String, server: IPv4Address, dhcpPort: UInt16, relay: IPv4Address, tftpPort: UInt16,
            mode: Mode
        ) {
            self.mac = mac
            self.model = model
            self.server = server
            self.dhcpPort = dhcpPort
            self.relay = relay
            self.tftpPort = tftpPort
            self.mode = mode
        }
    }

    public struct Report: Sendable {
        public var mac: MACAddress
        public var address: IPv4Address?
        public var offerLatencyMilliseconds: Double?
        public var loads: [String] = []
        public var files = 0
        public var bytes: Int64 = 0
        public var rejections: [String] = []
        public var missingProbes = 0
        /// Files that came over HTTP (a 78xx/88xx with `httpPort`), of `files`.
        public var httpFiles = 0
        public var slowestMissMilliseconds = 0.0
        public var error: String?
        public var seconds = 0.0
    }

    public let setup: Setup
    public var onEvent: (@Sendable (String) -> Void)?
    var report: Report

    public init(_ setup: Setup) {
        self.setup = setup
        report = Report(mac: setup.mac)
    }

    public func run() -> Report {
        let started = Date()
        boot()
        // Set here, not in a `defer` inside `boot`: a defer runs after the returned copy is made.
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private func boot() {
        guard let (address, tftp) = dhcp() else { return }
        report.address = address
        let tftpHost = tftp.description
        if YealinkProfile.isModel(setup.model) {
            do { try bootYealink(host: tftpHost) } catch { report.error = "\(error)" }
            return
        }
        if PolycomProfile.isModel(setup.model) {
            do { try bootPolycom(host: tftpHost) } catch { report.error = "\(error)" }
            return
        }
        var current: String?
        do {
            if setup.mode == .recovery {
                guard let term = PhoneCatalogue.model(named: setup.model)?.termName else {
                    throw SimError("no termXX name for \(setup.model)")
                }
                current = try fetchLoad(named: "\(term).default.loads", host: tftpHost)
                onEvent?("recovered onto \(current ?? "?")")
                reboot()
            }
            for _ in 0..<12 {
                // Normal boot: trust lists first (usually absent: must fail fast), then the config.
                // 78xx/88xx also ask for AppDialRules.xml on every boot (absent on purpose; research §1.2).
                let dialRules = PhoneCatalogue.isEnterprise78xx88xx(setup.model) ? ["AppDialRules.xml"] : []
                for probe in [
                    "CTLSEP\(setup.mac.compactUppercase).tlv", "ITLSEP\(setup.mac.compactUppercase).tlv", "ITLFile.tlv",
                ] + dialRules {
                    let t0 = Date()
                    if (try? fetch(probe, host: tftpHost)) == nil {
                        report.missingProbes += 1
                        report.slowestMissMilliseconds = max(
                            report.slowestMissMilliseconds, Date().timeIntervalSince(t0) * 1000)
                    }
                }
                let config =
                    try (try? fetch("SEP\(setup.mac.compactUppercase).cnf.xml", host: tftpHost))
                    ?? fetch("XMLDefault.cnf.xml", host: tftpHost)
                let load = Self.loadInformation(
                    String(decoding: config, as: UTF8.self),
                    deviceTypeID: PhoneCatalogue.model(named: setup.model)?.deviceTypeID)
                guard let load, !load.isEmpty, load.lowercased() != current?.lowercased() else {
                    onEvent?("running \(current ?? "its image"), config agrees: done")
                    sendSyslog(
                        "registered, running \(current ?? "its image") after \(report.loads.count) load\(report.loads.count == 1 ? "" : "s")"
                    )
                    break
                }
                onEvent?("config says \(load): upgrading")
                current = try fetchLoad(named: load + ".loads", host: tftpHost)
                reboot()
            }
        } catch {
            report.error = "\(error)"
        }
    }

    /// A new image means a reboot before the phone asks for files again. Without this gap the next boot's
    /// first request could reach the server before the final ACK of the last component (seen under CI
    /// load: the server then still counted that file as missing), which no real phone does.
    func reboot() {
        Thread.sleep(forTimeInterval: setup.rebootSeconds * setup.timeScale)
    }

    /// Fetches a `.loads` and every component it lists; returns the load it names (the phone now runs it).
    private func fetchLoad(named name: String, host: String) throws -> String {
        let bytes = try fetch(name, host: host)
        let loads = LoadsFile(bytes: bytes)
        guard !loads.requiredComponents.isEmpty else { throw SimError("\(name) lists no files") }
        for component in loads.requiredComponents { _ = try fetch(component.name, host: host) }
        let load = String((loads.signedName ?? name).dropLast(".loads".count))
        report.loads.append(load)
        return load
    }

    /// One download: over HTTP first when the phone does that (`httpPort`), else or then TFTP with tsize,
    /// whose bytes must match the announced size.
    func fetch(_ name: String, host: String) throws -> [UInt8] {
        if let port = setup.httpPort,
            let answer = try? PlainHTTP.request(
                "GET", host: host, port: port, path: "/" + name,
                from: setup.bindLeasedAddress ? report.address?.description : nil, timeout: 2),
            answer.status == 200
        {
            let body = answer.body
            report.files += 1
            report.bytes += Int64(body.count)
            report.httpFiles += 1
            return body
        }
        return try fetchTFTP(name, host: host)
    }

    private func fetchTFTP(_ name: String, host: String) throws -> [UInt8] {
        var runner = TFTPClientRunner(
            host: host, port: setup.tftpPort, localAddress: setup.bindLeasedAddress ? report.address?.description : nil)
        runner.progress = nil
        var data = [UInt8]()
        let transfer = ClientTransfer(
            direction: .get,
            request: TFTPRequest(
                filename: name, mode: "octet", options: [TFTPOption("blksize", "1468"), TFTPOption("tsize", "0")]),
            timeoutMilliseconds: 1000, retries: 3)
        let outcome = runner.run(
            transfer, read: { _, _ in [] },
            write: { offset, bytes in
                if data.count < Int(offset) { data += [UInt8](repeating: 0, count: Int(offset) - data.count) }
                data.replaceSubrange(Int(offset)..<min(data.count, Int(offset) + bytes.count), with: bytes)
                return true
            })
        switch outcome {
        case .completed(let bytes, _):
            guard bytes == Int64(data.count) else { throw SimError("\(name): \(data.count) bytes kept of \(bytes)") }
            report.files += 1
            report.bytes += bytes
            return data
        case .refused(let reason): throw SimError("\(name): \(reason)")
        case .failed(let reason): throw SimError("\(name): \(reason)")
        }
    }

    static func loadInformation(_ xml: String, deviceTypeID: Int?) -> String? {
        for tag in ["loadInformation"] + (deviceTypeID.map { ["loadInformation\($0)"] } ?? []) {
            if let open = xml.range(of: "<\(tag)>") ?? xml.range(of: "<\(tag) model=\"\">"),
                let close = xml.range(of: "</\(tag)>", range: open.upperBound..<xml.endIndex)
            {
                let value = String(xml[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
        }
        return nil
    }

    struct SimError: Error, CustomStringConvertible {
        var description: String
        init(_ text: String) { description = text }
    }
}
