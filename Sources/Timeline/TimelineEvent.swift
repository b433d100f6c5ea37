import WireSupport

/// One event of a device's timeline: what the store keeps, what diagnosis, phase, explain and the API read.
public struct TimelineEvent: Hashable, Sendable {
    /// Unix milliseconds (the server's clock when the event was recorded).
    public var time: Int64
    /// The device it belongs to; nil for events about the server itself (an address conflict) and syslog
    /// lines from unknown senders.
    public var mac: MACAddress?
    public var name: EventName
    public var level: EventLevel
    public var metadata: EventMetadata
    /// The server that recorded it, in a store several servers share (`store.server_name`); nil otherwise.
    public var server: String?

    public init(
        time: Int64, mac: MACAddress?, name: EventName, level: EventLevel, metadata: EventMetadata = [:],
        server: String? = nil
    ) {
        self.server = server
        self.time = time
        self.mac = mac
        self.name = name
        self.level = level
        self.metadata = metadata
    }

    public subscript(key: EventKey) -> String? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}

/// The level an event was logged at; for `syslog.message`, the message's own severity name (`err`, `crit`,
/// ...), which the Syslog tab shows as is. An open set for that reason, with the log levels as constants.
public struct EventLevel: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let debug = EventLevel(rawValue: "debug")
    public static let info = EventLevel(rawValue: "info")
    public static let notice = EventLevel(rawValue: "notice")
    public static let warning = EventLevel(rawValue: "warning")
    public static let error = EventLevel(rawValue: "error")

    public var description: String { rawValue }
}

/// An event as an emitter produces it, before the recording shell adds the time and the device (it maps
/// the client's address to a MAC through the leases). The pure conversions (`TFTPTimeline`, ...) return
/// drafts, so the shells and the contract tests build exactly the same events.
public struct EventDraft: Hashable, Sendable {
    public var name: EventName
    public var level: EventLevel
    public var metadata: EventMetadata

    public init(_ name: EventName, level: EventLevel, _ metadata: EventMetadata = [:]) {
        self.name = name
        self.level = level
        self.metadata = metadata
    }

    public func at(_ time: Int64, mac: MACAddress?) -> TimelineEvent {
        TimelineEvent(time: time, mac: mac, name: name, level: level, metadata: metadata)
    }
}

/// A timeline event as strings and back. Strings only ever come from the raw values: the store writes a
/// row's name, level and metadata keys by raw value (`MetadataJSON`, the log line's `logMetadata` alike)
/// and reads rows back here, in one place. Reading never fails: a name or key this build does not know (a
/// row written by an older or newer version) comes back as `.other`, so explain and the API still show it,
/// while every rule that matches on catalogue cases simply does not see it.
extension TimelineEvent {
    /// A stored row, as the store reads it.
    public init(time: Int64, mac: MACAddress?, storedName: String, level: String, storedMetadata: [String: String]) {
        var metadata: EventMetadata = [:]
        metadata.reserveCapacity(storedMetadata.count)
        for (key, value) in storedMetadata { metadata[EventKey(rawValue: key)] = value }
        self.init(
            time: time, mac: mac, name: EventName(rawValue: storedName), level: EventLevel(rawValue: level),
            metadata: metadata)
    }

    /// The metadata as stored and logged: keys by raw value.
    public var storedMetadata: [String: String] { metadata.storedForm }
}

extension EventMetadata {
    /// Keys by raw value, for the store's JSON and the log line.
    public var storedForm: [String: String] {
        var out: [String: String] = [:]
        out.reserveCapacity(count)
        for (key, value) in self { out[key.rawValue] = value }
        return out
    }
}
