import Testing
import Timeline
import WireSupport

/// The catalogue is the contract of logs, store and readers: its raw values are stable, unique, and read
/// back into the same cases.
struct CatalogueTests {
    @Test func everyNameAndKeyReadsBackAsItself() {
        for name in EventName.catalogue { #expect(EventName(rawValue: name.rawValue) == name) }
        for key in EventKey.catalogue { #expect(EventKey(rawValue: key.rawValue) == key) }
        #expect(Set(EventName.catalogue.map(\.rawValue)).count == EventName.catalogue.count)
        #expect(Set(EventKey.catalogue.map(\.rawValue)).count == EventKey.catalogue.count)
    }

    /// Each name sits in the group its prefix says, so a pattern like `case .tftp` means what the old
    /// `hasPrefix("tftp.")` meant.
    @Test func namesAndKeysSitInTheirPrefixGroup() {
        for name in EventName.catalogue {
            let prefix = name.rawValue.split(separator: ".").first.map(String.init)
            switch name {
            case .dhcp: #expect(prefix == "dhcp")
            case .tftp: #expect(prefix == "tftp")
            case .http: #expect(prefix == "http")
            case .phone: #expect(prefix == "phone")
            case .syslog: #expect(prefix == "syslog")
            case .other: Issue.record("the catalogue holds no .other")
            }
        }
        for key in EventKey.catalogue {
            let prefix = key.rawValue.split(separator: ".").first.map(String.init)
            switch key {
            case .dhcp: #expect(prefix == "dhcp")
            case .tftp: #expect(prefix == "tftp")
            case .http: #expect(prefix == "http")
            case .phone: #expect(prefix == "phone")
            case .syslog: #expect(prefix == "syslog")
            case .client: #expect(prefix == "client")
            case .reason: #expect(key.rawValue == "reason")
            case .server: continue  // the server's lines mix prefixes (`config`, `store.batch`, `sntp.answer`)
            case .other: Issue.record("the catalogue holds no .other")
            }
        }
    }

    /// The events the DHCP shell adds send measurements to: what `hasSuffix(".sent")` and the INFORM answer
    /// used to select, and the two proxyDHCP answers.
    @Test func dhcpRepliesAreTheSentEventsAndTheInformAnswer() {
        let replies = EventName.DHCP.allCases.filter(\.isReply).map(\.rawValue)
        #expect(
            replies
                == EventName.DHCP.allCases.map(\.rawValue).filter {
                    $0.hasSuffix(".sent") || $0 == "dhcp.inform.answered" || $0.hasPrefix("dhcp.proxy.")
                })
        #expect(replies.count == 6)
    }

    @Test func storedFormRoundTripsUnknownNamesAndKeys() {
        let mac = MACAddress("00:1e:7a:25:54:a1")
        let stored = ["tftp.file": "SEP001E7A2554A1.cnf.xml", "tftp.future": "x"]
        let event = TimelineEvent(
            time: 5, mac: mac, storedName: "tftp.transfer.resumed", level: "notice", storedMetadata: stored)
        #expect(event.name == .other("tftp.transfer.resumed") && event.level == .notice)
        #expect(event[.tftp(.file)] == "SEP001E7A2554A1.cnf.xml" && event[.other("tftp.future")] == "x")
        #expect(event.storedMetadata == stored && event.name.rawValue == "tftp.transfer.resumed")
    }
}

/// The raw values are what log lines, integration tests and existing databases carry (docs/cli.md): a
/// change here is a change of the log format and needs a store migration, so it must be deliberate.
struct CatalogueGoldenTests {
    @Test func eventNamesAreTheStableLogNames() {
        #expect(
            EventName.catalogue.map(\.rawValue) == [
                "dhcp.offer.sent", "dhcp.ack.sent", "dhcp.nak.sent", "dhcp.inform.answered",
                "dhcp.request.other_server", "dhcp.request.ignored",
                "dhcp.decline.received", "dhcp.decline.ignored", "dhcp.release.received", "dhcp.release.ignored",
                "dhcp.pool.exhausted",
                "dhcp.conflict.detected", "dhcp.packet.dropped", "dhcp.other_server.reply", "dhcp.option.malformed",
                "dhcp.lease.conflict", "dhcp.client.learned", "dhcp.client.forgotten",
                "dhcp.proxy.offered", "dhcp.proxy.acked", "dhcp.address_server.seen",
                "tftp.request.refused", "tftp.transfer.completed", "tftp.transfer.failed", "tftp.transfer.probed",
                "http.request.refused", "http.transfer.completed", "http.transfer.failed",
                "phone.upgrade.advanced", "phone.upgrade.done", "phone.upgrade.waiting",
                "syslog.message",
            ])
    }

    @Test func metadataKeysAreTheStableLogKeys() {
        #expect(
            EventKey.catalogue.map(\.rawValue) == [
                "dhcp.xid", "dhcp.type", "dhcp.interface", "dhcp.vendor_class", "dhcp.hostname", "dhcp.giaddr",
                "dhcp.flags", "dhcp.prl", "dhcp.class",
                "dhcp.yiaddr", "dhcp.destination", "dhcp.options", "dhcp.latency_us", "dhcp.reply_bytes",
                "dhcp.server_id", "dhcp.source",
                "dhcp.tftp_server", "dhcp.address", "dhcp.subnet", "dhcp.option.code", "dhcp.option.length",
                "dhcp.option.offset", "dhcp.boot_file", "dhcp.file", "dhcp.learned",
                "tftp.file", "tftp.mode", "tftp.direction", "tftp.options", "tftp.served_from", "tftp.case_mismatch",
                "tftp.blksize",
                "tftp.windowsize", "tftp.size", "tftp.bytes", "tftp.duration_s",
                "http.file", "http.method", "http.status", "http.range", "http.served_from", "http.case_mismatch",
                "http.size", "http.bytes", "http.duration_s", "http.user_agent",
                "phone.load", "phone.step", "phone.from", "phone.to", "phone.missing", "phone.boots_at_step",
                "syslog.source", "syslog.facility", "syslog.severity", "syslog.text", "syslog.app", "syslog.host",
                "client.mac", "client.address", "reason",
                "config", "state_dir", "privileges.user", "privileges.uid", "privileges.gid",
                "privileges.capabilities", "error", "store.batch", "store.location", "store.pending", "server.name",
                "dhcp.interfaces", "dhcp.port", "dhcp.pxe_port", "dhcp.leases_loaded",
                "dhcp.malformed_total", "limit.scope", "limit.dropped_total",
                "tftp.listen", "tftp.root", "tftp.active", "tftp.malformed_total", "http.listen", "syslog.listen",
                "syslog.file",
                "sntp.listen",
                "sntp.synchronized", "sntp.trust_host_clock", "sntp.answer", "web.listen", "web.token",
                "reload.applied", "reload.restart_needed",
            ])
        #expect(EventName.TFTP.fileNotFoundReason == "File not found")
    }

    @Test func serverLineNamesAreTheStableLogNames() {
        #expect(
            ServerEventName.allCases.map(\.rawValue) == [
                "dialtone.started", "dialtone.stopped", "dialtone.failed", "dialtone.privileges.dropped",
                "dialtone.privileges.unchanged", "config.reloaded", "config.reload.rejected",
                "config.reload.restart_needed", "dhcp.started", "dhcp.stopped", "dhcp.watch.unavailable",
                "dhcp.socket.rebound", "dhcp.socket.error",
                "dhcp.reply.failed",
                "dhcp.reply.withheld", "dhcp.packet.malformed", "dhcp.client.limited", "dhcp.discover.shed",
                "dhcp.priority.unchanged",
                "tftp.started", "tftp.stopped", "tftp.packet.malformed", "tftp.socket.error", "tftp.client.limited",
                "tftp.request.duplicate", "http.started", "http.stopped",
                "syslog.started", "syslog.stopped",
                "sntp.started", "sntp.stopped", "sntp.clock.synchronized", "sntp.clock.unsynchronized",
                "web.started", "store.write.failed", "store.events.failed", "store.unreachable", "store.recovered",
                "store.ready", "store.changes.lost",
            ])
        // A server line is never a timeline event: the two lists must not share a name.
        #expect(Set(ServerEventName.allCases.map(\.rawValue)).isDisjoint(with: EventName.catalogue.map(\.rawValue)))
    }
}
