import TFTPCore
import TFTPWire
import Testing

@Suite struct TransferTests {
    let limits = NegotiationLimits(maxBlockSize: 1468, maxWindowSize: 64, defaultTimeoutMilliseconds: 1000)

    func params(_ options: [TFTPOption] = [], size: Int64 = 0, mode: String = "octet") -> TransferParameters {
        OptionNegotiation.negotiate(
            TFTPRequest(filename: "f", mode: mode, options: options), limits: limits, transferSize: size)
    }

    @Test func negotiationAnswersOnlyWhatWasAskedClampedInOrder() {
        let p = params(
            [
                TFTPOption("tsize", "0"), TFTPOption("BLKSIZE", "65464"), TFTPOption("windowsize", "500"),
                TFTPOption("foo", "1"), TFTPOption("timeout", "0"),
            ], size: 1234)
        #expect(p.blockSize == 1468 && p.windowSize == 64)
        #expect(
            p.acknowledged == [
                TFTPOption("tsize", "1234"), TFTPOption("BLKSIZE", "1468"), TFTPOption("windowsize", "64"),
            ])
        #expect(params().acknowledged.isEmpty)
        #expect(
            params([TFTPOption("tsize", "0")], size: 9, mode: "netascii").acknowledged.isEmpty, "no tsize for netascii")
    }

    /// Found by FuzzTesting/TFTPOptionsFuzz: a repeated option was acknowledged once per instance.
    @Test func aRepeatedOptionIsAcknowledgedOnceByItsFirstUsableInstance() {
        let p = params([
            TFTPOption("blksize", "x"), TFTPOption("blksize", "1024"), TFTPOption("BLKSIZE", "512"),
            TFTPOption("windowsize", "4"), TFTPOption("windowsize", "4"),
        ])
        #expect(p.blockSize == 1024 && p.windowSize == 4)
        #expect(p.acknowledged == [TFTPOption("blksize", "1024"), TFTPOption("windowsize", "4")])
    }

    /// The transfer loop's form: the actions are appended to the array it passes (which it empties itself),
    /// the same ones the value-returning form gives, for every step of a windowed transfer.
    @Test func actionsAppendedIntoAnArrayAreTheReturnedOnes() {
        let p = params([TFTPOption("windowsize", "4"), TFTPOption("tsize", "0")], size: 5000)
        var byValue = ReadTransfer(parameters: p, fileSize: 5000, maxRetries: 1)
        var byArray = byValue
        let marker = ReadTransfer.Step.armTimer(milliseconds: -1)
        var reused: [ReadTransfer.Step] = [marker]
        let steps: [(inout ReadTransfer, inout [ReadTransfer.Step]) -> Void] = [
            { $0.start(into: &$1) },
            { $0.received(.ack(block: 0), into: &$1) },
            { $0.received(.ack(block: 2), into: &$1) },
            { $0.timerFired(into: &$1) },
            { $0.timerFired(into: &$1) },
        ]
        let expected = [
            byValue.start(), byValue.received(.ack(block: 0)), byValue.received(.ack(block: 2)),
            byValue.timerFired(), byValue.timerFired(),
        ]
        for (step, want) in zip(steps, expected) {
            reused.removeAll(keepingCapacity: true)
            reused.append(marker)
            step(&byArray, &reused)
            #expect(reused.first == marker)
            #expect(reused.dropFirst().map { byArray.action($0) } == want)
        }
        #expect(expected[1].count == 5, "four DATA and the timer after the OACK's ACK")
        #expect(byArray.isDone && byValue.isDone, "the second timeout with one retry gives up")
    }

    @Test(arguments: [Int64(0), 1, 511, 512, 513, 1024])
    func lockstepSizes(_ size: Int64) {
        var t = ReadTransfer(parameters: params(size: size), fileSize: size, maxRetries: 3)
        var actions = t.start()
        var delivered: Int64 = 0
        var block: UInt16 = 0
        while true {
            guard case .sendData(let b, let offset, let length) = actions.first else {
                Issue.record("expected DATA, got \(actions)")
                return
            }
            #expect(b == block &+ 1 && offset == delivered)
            delivered += Int64(length)
            block = b
            actions = t.received(.ack(block: b))
            if case .finished(let bytes) = actions.first {
                #expect(bytes == size && delivered == size)
                #expect(length < 512, "the last block is short, empty for a multiple of 512")
                return
            }
        }
    }

    @Test func oackThenWindowAndDuplicateAcks() {
        let p = params([TFTPOption("windowsize", "4"), TFTPOption("blksize", "1000")], size: 10_000)
        var t = ReadTransfer(parameters: p, fileSize: 10_000, maxRetries: 3)
        #expect(
            t.start().first
                == .sendOptionAcknowledgement([TFTPOption("windowsize", "4"), TFTPOption("blksize", "1000")]))
        #expect(t.received(.ack(block: 5)).isEmpty, "only ACK 0 acknowledges the OACK")
        let window = t.received(.ack(block: 0))
        #expect(window.filter { if case .sendData = $0 { true } else { false } }.count == 4)
        #expect(t.received(.ack(block: 0)).isEmpty, "duplicate ACK sends nothing (Sorcerer's Apprentice)")
        // Client got blocks 1-2 only: window restarts at 3.
        let restart = t.received(.ack(block: 2))
        #expect(restart.first == .sendData(block: 3, offset: 2000, length: 1000))
        #expect(t.received(.ack(block: 2)).isEmpty)
        // Timeout: resend from the last acknowledged block.
        #expect(t.timerFired().first == .sendData(block: 3, offset: 2000, length: 1000))
    }

    @Test func blockNumbersRollOver() {
        let size = Int64(70_000) * 512
        var t = ReadTransfer(parameters: params(size: size), fileSize: size, maxRetries: 1)
        _ = t.start()
        var last: [ReadTransfer.Action] = []
        for absolute in 1...65_537 { last = t.received(.ack(block: UInt16(truncatingIfNeeded: absolute))) }
        #expect(
            last.first == .sendData(block: 2, offset: Int64(65_537) * 512, length: 512), "block 65538 goes out as 2")
    }

    @Test func retriesRunOut() {
        var t = ReadTransfer(parameters: params(size: 100), fileSize: 100, maxRetries: 2)
        _ = t.start()
        #expect(t.timerFired().count == 2)
        #expect(t.timerFired().count == 2)
        guard case .failed(_, let error)? = t.timerFired().first else {
            Issue.record("expected failure")
            return
        }
        #expect(error == .error(.notDefined, message: "timeout"))
        #expect(t.received(.ack(block: 1)).isEmpty)
    }

    @Test func clientErrorEndsTransfer() {
        var t = ReadTransfer(parameters: params(size: 100), fileSize: 100, maxRetries: 2)
        _ = t.start()
        guard case .failed(_, nil)? = t.received(.error(.notDefined, message: "user abort")).first else {
            Issue.record("expected failure")
            return
        }
    }

    @Test func writeWithWindowAndGap() {
        let p = params([TFTPOption("blksize", "8"), TFTPOption("windowsize", "2")])
        var w = WriteTransfer(parameters: p, maxRetries: 2)
        #expect(w.start().first == .sendOptionAcknowledgement(p.acknowledged))
        #expect(
            w.received(.data(block: 1, payload: Array(repeating: 1, count: 8))) == [
                .write(offset: 0, bytes: Array(repeating: 1, count: 8)), .armTimer(milliseconds: 1000),
            ])
        #expect(w.received(.data(block: 2, payload: Array(repeating: 2, count: 8))).contains(.sendAck(block: 2)))
        // Block 4 arrives before 3: re-acknowledge 2.
        #expect(w.received(.data(block: 4, payload: [4])).first == .sendAck(block: 2))
        let last = w.received(.data(block: 3, payload: [3]))
        #expect(last.last == .complete(bytes: 17, finalAck: 3))
    }

    /// One ACK per gap: the rest of the window after a lost block is dropped in silence (each answered, the
    /// sender restarted its window once per datagram). A write ends the gap; the timer resends a lost ACK.
    @Test func aGapIsAcknowledgedOnce() {
        let p = params([TFTPOption("blksize", "8"), TFTPOption("windowsize", "4")])
        var w = WriteTransfer(parameters: p, maxRetries: 2)
        _ = w.start()
        let full = Array(repeating: UInt8(7), count: 8)
        #expect(w.received(.data(block: 1, payload: full)).first == .write(offset: 0, bytes: full))
        // Block 2 is lost: 3 answers the gap, 4 and 5 (the rest of the window, then more) do not.
        #expect(w.received(.data(block: 3, payload: full)) == [.sendAck(block: 1), .armTimer(milliseconds: 1000)])
        #expect(w.received(.data(block: 4, payload: full)).isEmpty)
        #expect(w.received(.data(block: 5, payload: full)).isEmpty)
        // That ACK was lost too: the timer says it again.
        #expect(w.timerFired().first == .sendAck(block: 1))
        // The sender restarts at 2 and loses it again: 3 is no further than 5 was, so the sender went back,
        // and this new gap gets its ACK at once (not after the timer).
        #expect(w.received(.data(block: 3, payload: full)).first == .sendAck(block: 1))
        #expect(w.received(.data(block: 4, payload: full)).isEmpty)
        // The sender restarts at 2 again; a new gap after that gets its own ACK.
        #expect(w.received(.data(block: 2, payload: full)).first == .write(offset: 8, bytes: full))
        #expect(w.received(.data(block: 4, payload: full)).first == .sendAck(block: 2))
        #expect(w.received(.data(block: 5, payload: full)).isEmpty)
    }
}

@Suite struct ClientTransferTests {
    @Test func getWithOptionsThenData() {
        let request = TFTPRequest(
            filename: "f", mode: "octet", options: [TFTPOption("blksize", "4"), TFTPOption("tsize", "0")])
        var client = ClientTransfer(direction: .get, request: request, timeoutMilliseconds: 1000, retries: 1)
        #expect(client.start().first == .sendRequest(.readRequest(request)))
        #expect(client.timerFired().first == .sendRequest(.readRequest(request)), "the request is retransmitted")
        let afterOack = client.received(.optionAcknowledgement([TFTPOption("blksize", "4"), TFTPOption("tsize", "6")]))
        #expect(afterOack.prefix(2) == [.sizeKnown(6), .send(.ack(block: 0))])
        #expect(
            client.received(.data(block: 1, payload: [1, 2, 3, 4])).first == .write(offset: 0, bytes: [1, 2, 3, 4]))
        let last = client.received(.data(block: 2, payload: [5, 6]))
        #expect(last.suffix(2) == [.send(.ack(block: 2)), .finished(bytes: 6)])
    }

    /// A loaded server retransmits its OACK when our ACK 0 is late: acknowledge it again, do not fail.
    @Test func repeatedOackIsAcknowledgedAgain() {
        let request = TFTPRequest(filename: "f", mode: "octet", options: [TFTPOption("blksize", "4")])
        var client = ClientTransfer(direction: .get, request: request, timeoutMilliseconds: 1000, retries: 1)
        _ = client.start()
        #expect(client.received(.optionAcknowledgement([TFTPOption("blksize", "4")])).first == .send(.ack(block: 0)))
        #expect(client.received(.optionAcknowledgement([TFTPOption("blksize", "4")])).first == .send(.ack(block: 0)))
        #expect(
            client.received(.data(block: 1, payload: [1, 2, 3, 4])).first == .write(offset: 0, bytes: [1, 2, 3, 4]))
        // Once DATA has arrived, an OACK is a protocol error.
        #expect(client.received(.optionAcknowledgement([])).contains { if case .failed = $0 { true } else { false } })
    }

    @Test func serverWithoutOptionsAndRefusals() {
        let request = TFTPRequest(filename: "f", mode: "octet", options: [TFTPOption("windowsize", "8")])
        var plain = ClientTransfer(direction: .get, request: request, timeoutMilliseconds: 1000, retries: 1)
        _ = plain.start()
        #expect(
            plain.received(.data(block: 1, payload: [9])).suffix(2) == [.send(.ack(block: 1)), .finished(bytes: 1)])
        var refused = ClientTransfer(direction: .get, request: request, timeoutMilliseconds: 1000, retries: 1)
        #expect(
            refused.received(.error(.fileNotFound, message: "File not found")) == [
                .failed(reason: "server error 1: File not found", serverError: true)
            ])
        var rogue = ClientTransfer(direction: .get, request: request, timeoutMilliseconds: 1000, retries: 1)
        #expect(
            rogue.received(.optionAcknowledgement([TFTPOption("blksize", "9000")])).first
                == .send(.error(.optionRefused, message: "unrequested option blksize")))
        var silent = ClientTransfer(direction: .put(size: 3), request: request, timeoutMilliseconds: 1000, retries: 0)
        guard case .failed(_, false)? = silent.timerFired().first else {
            Issue.record("expected a timeout failure")
            return
        }
    }

    @Test func putAfterAckZero() {
        var client = ClientTransfer(
            direction: .put(size: 700), request: TFTPRequest(filename: "f", mode: "octet"), timeoutMilliseconds: 1000,
            retries: 1)
        #expect(client.received(.ack(block: 0)).first == .sendData(block: 1, offset: 0, length: 512))
        #expect(client.received(.ack(block: 1)).first == .sendData(block: 2, offset: 512, length: 188))
        #expect(client.received(.ack(block: 2)) == [.finished(bytes: 700)])
    }
}
