import Testing
import Timeline

/// `EventMetadata` keeps a dictionary's meaning while storing a short array: these pin the meaning.
struct EventMetadataTests {
    @Test func settingAKeyAgainReplacesItsValueAndNilRemovesIt() {
        var metadata: EventMetadata = [.dhcp(.xid): "0x1", .dhcp(.type): "DISCOVER"]
        metadata[.dhcp(.xid)] = "0x2"
        #expect(metadata[.dhcp(.xid)] == "0x2" && metadata.count == 2)
        metadata[.dhcp(.type)] = nil
        #expect(metadata[.dhcp(.type)] == nil && metadata.count == 1)
        metadata[.reason] = nil  // removing an absent key changes nothing
        #expect(metadata.keys == [.dhcp(.xid)])
    }

    @Test func aLiteralWithAKeyTwiceKeepsTheLastValue() {
        let metadata: EventMetadata = [.reason: "first", .other("x.y"): "1", .reason: "second"]
        #expect(metadata.count == 2 && metadata[.reason] == "second")
    }

    @Test func keysKeepTheOrderTheyWereSetIn() {
        var metadata = EventMetadata(minimumCapacity: 4)
        metadata[.tftp(.file)] = "a"
        metadata[.dhcp(.xid)] = "b"
        metadata[.reason] = "c"
        metadata[.dhcp(.xid)] = "d"  // replacing keeps the place
        #expect(metadata.map(\.key) == [.tftp(.file), .dhcp(.xid), .reason])
        #expect(metadata.map(\.value) == ["a", "d", "c"])
    }

    @Test func mergeLetsTheOtherSideWin() {
        var metadata: EventMetadata = [.tftp(.file): "a", .tftp(.bytes): "1"]
        metadata.merge([.tftp(.bytes): "2", .tftp(.servedFrom): "/srv/a"])
        #expect(metadata == [.tftp(.file): "a", .tftp(.bytes): "2", .tftp(.servedFrom): "/srv/a"])
    }

    @Test func equalityAndHashingIgnoreOrderAsADictionarysDo() {
        let one: EventMetadata = [.dhcp(.xid): "0x1", .reason: "r", .other("custom.key"): "v"]
        let other: EventMetadata = [.other("custom.key"): "v", .dhcp(.xid): "0x1", .reason: "r"]
        #expect(one == other && one.hashValue == other.hashValue)
        #expect(Set([one, other]).count == 1)
        let fewer: EventMetadata = [.dhcp(.xid): "0x1", .reason: "r"]
        #expect(one != fewer && fewer != one, "a subset is not equal, from either side")
        #expect(one != [.dhcp(.xid): "0x1", .reason: "r", .other("custom.key"): "w"])
        // The same values under other keys differ.
        let swapped: EventMetadata = [.dhcp(.xid): "r", .reason: "0x1", .other("custom.key"): "v"]
        #expect(one != swapped)
    }

    @Test func backToStoredStrings() {
        let metadata: EventMetadata = [.dhcp(.yiaddr): "198.18.0.10", .other("later.key"): "x"]
        #expect(metadata[.dhcp(.yiaddr)] == "198.18.0.10")
        #expect(metadata.storedForm == ["dhcp.yiaddr": "198.18.0.10", "later.key": "x"])
        #expect(EventMetadata().isEmpty && !metadata.isEmpty)
    }
}
