import TFTPCore
import TFTPWire
import Testing

/// A server's OACK names values the client must be able to run with; found by FuzzTesting/TFTPOptionsFuzz,
/// where `blksize 0` divided by zero in an upload and a huge `timeout` overflowed.
@Suite struct ClientOptionCheckTests {
    static let asked = TFTPRequest(
        filename: "f", mode: "octet",
        options: [
            TFTPOption("blksize", "1428"), TFTPOption("windowsize", "8"), TFTPOption("timeout", "2"),
            TFTPOption("tsize", "0"),
        ])

    @Test(arguments: [
        ("blksize", "0"), ("blksize", "-512"), ("blksize", "1429"), ("blksize", "x"), ("windowsize", "0"),
        ("windowsize", "9"), ("timeout", "0"), ("timeout", "9223372036854775807"), ("tsize", "-1"),
    ])
    func unusableValuesAreRefusedWithError8(_ option: (String, String)) {
        for direction in [ClientTransfer.Direction.get, .put(size: 100_000)] {
            var client = ClientTransfer(
                direction: direction, request: Self.asked, timeoutMilliseconds: 1000, retries: 1)
            _ = client.start()
            let actions = client.received(.optionAcknowledgement([TFTPOption(option.0, option.1)]))
            #expect(actions.first == .send(.error(.optionRefused, message: "unacceptable \(option.0) \(option.1)")))
            #expect(client.timerFired().isEmpty, "the transfer is over")
        }
    }

    @Test func valuesWithinWhatWasAskedRun() {
        var upload = ClientTransfer(
            direction: .put(size: 3000), request: Self.asked, timeoutMilliseconds: 1000, retries: 1)
        _ = upload.start()
        let actions = upload.received(
            .optionAcknowledgement([
                TFTPOption("blksize", "1024"), TFTPOption("windowsize", "2"), TFTPOption("timeout", "255"),
            ]))
        #expect(
            actions == [
                .sendData(block: 1, offset: 0, length: 1024), .sendData(block: 2, offset: 1024, length: 1024),
                .armTimer(milliseconds: 255_000),
            ])
    }
}
