import TFTPCore
import TFTPWire
import Testing
import Timeline

/// OVMF's PXE asks for tsize, reads the OACK and ends with ERROR 8 (RFC 2347) before downloading for real:
/// a probe, not a failed transfer (issue 16).
@Suite struct ProbeTests {
    let limits = NegotiationLimits(maxBlockSize: 1468, maxWindowSize: 64, defaultTimeoutMilliseconds: 1000)

    func transfer(_ options: [TFTPOption]) -> ReadTransfer {
        let p = OptionNegotiation.negotiate(
            TFTPRequest(filename: "snponly.efi", mode: "octet", options: options), limits: limits,
            transferSize: 200_000)
        var t = ReadTransfer(parameters: p, fileSize: 200_000, maxRetries: 3)
        _ = t.start()
        return t
    }

    @Test func errorEightAfterTheOACKIsAProbe() {
        var t = transfer([TFTPOption("tsize", "0"), TFTPOption("blksize", "1468")])
        let actions = t.received(.error(.optionRefused, message: "User aborted the transfer"))
        #expect(actions == [.probed(reason: "client ended after the OACK (ERROR 8: User aborted the transfer)")])
        #expect(t.isDone)
    }

    @Test(arguments: [
        // Another code after the OACK, or ERROR 8 once data flows: a failure as before.
        (TFTPErrorCode.notDefined, false), (.optionRefused, true),
    ])
    func otherEndsStayFailures(_ code: TFTPErrorCode, _ afterData: Bool) {
        var t = transfer([TFTPOption("tsize", "0")])
        if afterData { _ = t.received(.ack(block: 0)) }
        guard case .failed(_, nil)? = t.received(.error(code, message: "x")).first else {
            Issue.record("expected a failure")
            return
        }
    }

    @Test func theProbeHasItsOwnEvent() {
        let draft = TFTPTimeline.probed([.tftp(.file): "snponly.efi"], duration: "0.004", detail: "ERROR 8")
        #expect(draft.name == .tftp(.transferProbed))
        #expect(draft.level == .info)
        #expect(draft.metadata[.tftp(.file)] == "snponly.efi")
    }
}
