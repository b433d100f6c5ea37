import TFTPWire

/// The client side of one transfer (`dialtone tftp get|put`): sends the request, retransmits it until the
/// server answers, negotiates from the OACK (or falls back to RFC 1350 when the server answers with DATA or
/// ACK 0), then runs the same machines the server uses, reversed: a download is received by
/// `WriteTransfer`, an upload is sent by `ReadTransfer`.
public struct ClientTransfer: Sendable {
    public enum Direction: Sendable {
        case get
        case put(size: Int64)
    }

    public enum Action: Hashable, Sendable {
        /// To the server's well-known port (the request and its retransmissions).
        case sendRequest(TFTPPacket)
        /// To the server's transfer ID, learnt from its first reply.
        case send(TFTPPacket)
        case sendData(block: UInt16, offset: Int64, length: Int)
        case write(offset: Int64, bytes: [UInt8])
        case armTimer(milliseconds: Int64)
        /// The server announced the size (tsize in its OACK).
        case sizeKnown(Int64)
        case finished(bytes: Int64)
        case failed(reason: String, serverError: Bool)
    }

    private enum Phase: Sendable {
        case requesting(retriesLeft: Int)
        case receiving(WriteTransfer)
        case sending(ReadTransfer)
        case done
    }

    public let direction: Direction
    public let request: TFTPRequest
    public let timeoutMilliseconds: Int64
    public let retries: Int
    private var phase: Phase

    public init(direction: Direction, request: TFTPRequest, timeoutMilliseconds: Int64, retries: Int) {
        self.direction = direction
        self.request = request
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retries = retries
        self.phase = .requesting(retriesLeft: retries)
    }

    private var packet: TFTPPacket {
        if case .get = direction { return .readRequest(request) }
        return .writeRequest(request)
    }

    public func start() -> [Action] { [.sendRequest(packet), .armTimer(milliseconds: timeoutMilliseconds)] }

    public mutating func received(_ reply: TFTPPacket) -> [Action] {
        switch phase {
        case .done:
            return []
        case .requesting:
            return firstReply(reply)
        case .receiving(var machine):
            let actions = machine.received(reply)
            phase = machine.isDone ? .done : .receiving(machine)
            return actions.flatMap(Self.map)
        case .sending(var machine):
            let actions = machine.received(reply)
            phase = machine.isDone ? .done : .sending(machine)
            return actions.flatMap(Self.map)
        }
    }

    public mutating func timerFired() -> [Action] {
        switch phase {
        case .done:
            return []
        case .requesting(let left):
            guard left > 0 else {
                phase = .done
                return [.failed(reason: "no answer from the server after \(retries + 1) requests", serverError: false)]
            }
            phase = .requesting(retriesLeft: left - 1)
            return start()
        case .receiving(var machine):
            let actions = machine.timerFired()
            phase = machine.isDone ? .done : .receiving(machine)
            return actions.flatMap(Self.map)
        case .sending(var machine):
            let actions = machine.timerFired()
            phase = machine.isDone ? .done : .sending(machine)
            return actions.flatMap(Self.map)
        }
    }

    private mutating func firstReply(_ reply: TFTPPacket) -> [Action] {
        var parameters = TransferParameters(timeoutMilliseconds: timeoutMilliseconds)
        var extra: [Action] = []
        switch reply {
        case .error(let code, let message):
            phase = .done
            return [.failed(reason: "server error \(code.rawValue): \(message)", serverError: true)]
        case .optionAcknowledgement(let options):
            // RFC 2347 §4: a server may only acknowledge options the client asked for.
            for option in options {
                let name = option.name.lowercased()
                guard request.option(name) != nil else {
                    phase = .done
                    return [
                        .send(.error(.optionRefused, message: "unrequested option \(option.name)")),
                        .failed(reason: "server acknowledged unrequested option \(option.name)", serverError: true),
                    ]
                }
                guard let value = Self.accepted(name, option.value, asked: request.option(name) ?? "") else {
                    phase = .done
                    return [
                        .send(.error(.optionRefused, message: "unacceptable \(option.name) \(option.value)")),
                        .failed(reason: "server acknowledged \(option.name) \(option.value)", serverError: true),
                    ]
                }
                switch name {
                case "blksize": parameters.blockSize = Int(value)
                case "windowsize": parameters.windowSize = Int(value)
                case "timeout": parameters.timeoutMilliseconds = value * 1000
                case "tsize": if case .get = direction { extra.append(.sizeKnown(value)) }
                default: break
                }
            }
            switch direction {
            case .get:
                var machine = WriteTransfer(parameters: parameters, maxRetries: retries)
                let actions = machine.start()  // ACK 0: parameters carry no options to acknowledge
                phase = .receiving(machine)
                return extra + actions.flatMap(Self.map)
            case .put(let size):
                var machine = ReadTransfer(parameters: parameters, fileSize: size, maxRetries: retries)
                let actions = machine.start()
                phase = .sending(machine)
                return actions.flatMap(Self.map)
            }
        case .data(let block, _) where block == 1:
            guard case .get = direction else { break }
            // The server ignored our options: plain RFC 1350 (512-byte blocks, lockstep).
            var machine = WriteTransfer(parameters: parameters, maxRetries: retries)
            _ = machine.start()
            let actions = machine.received(reply)
            phase = machine.isDone ? .done : .receiving(machine)
            return actions.flatMap(Self.map)
        case .ack(let block) where block == 0:
            guard case .put(let size) = direction else { break }
            var machine = ReadTransfer(parameters: parameters, fileSize: size, maxRetries: retries)
            let actions = machine.start()
            phase = .sending(machine)
            return actions.flatMap(Self.map)
        default:
            break
        }
        return []
    }

    /// An OACK value the client can run with (RFC 2348, 2349, 7440): blksize and windowsize from 1 up to what
    /// it asked (RFC 2348's floor is 8, but a client that asked for less runs with it), timeout 1-255 s, tsize
    /// a size. Anything else is refused with ERROR 8, as RFC 2347 has a client do; taken as sent, blksize 0 divided by
    /// zero and a huge timeout overflowed (found by FuzzTesting/TFTPOptionsFuzz).
    static func accepted(_ name: String, _ value: String, asked: String) -> Int64? {
        guard ["blksize", "windowsize", "timeout", "tsize"].contains(name) else { return 0 }  // not ours to judge
        guard let number = Int64(value) else { return nil }
        switch name {
        case "blksize": return number >= 1 && number <= min(Int64(asked) ?? 65464, 65464) ? number : nil
        case "windowsize": return number >= 1 && number <= min(Int64(asked) ?? 65535, 65535) ? number : nil
        case "timeout": return (1...255).contains(number) ? number : nil
        case "tsize": return number >= 0 ? number : nil
        default: return number
        }
    }

    private static func map(_ action: WriteTransfer.Action) -> [Action] {
        switch action {
        case .sendOptionAcknowledgement(let options): [.send(.optionAcknowledgement(options))]
        case .sendAck(let block): [.send(.ack(block: block))]
        case .write(let offset, let bytes): [.write(offset: offset, bytes: bytes)]
        case .armTimer(let ms): [.armTimer(milliseconds: ms)]
        case .complete(let bytes, let finalAck): [.send(.ack(block: finalAck)), .finished(bytes: bytes)]
        case .failed(let reason, let error): failure(reason, error)
        }
    }

    private static func map(_ action: ReadTransfer.Action) -> [Action] {
        switch action {
        case .sendOptionAcknowledgement(let options): [.send(.optionAcknowledgement(options))]
        case .sendData(let block, let offset, let length): [.sendData(block: block, offset: offset, length: length)]
        case .armTimer(let ms): [.armTimer(milliseconds: ms)]
        case .finished(let bytes): [.finished(bytes: bytes)]
        case .failed(let reason, let error): failure(reason, error)
        // The server refusing our options after its own OACK: for this client, the upload failed.
        case .probed(let reason): failure("client sent " + reason, nil)
        }
    }

    /// The machines fail either because the peer sent ERROR (nothing to send back) or on their own, with an
    /// ERROR to tell the peer.
    private static func failure(_ reason: String, _ error: TFTPPacket?) -> [Action] {
        guard let error else {
            // The shared machines speak from the server's side; here the peer that sent ERROR is the server.
            let text = reason.hasPrefix("client sent ") ? "server sent " + reason.dropFirst(12) : reason
            return [.failed(reason: text, serverError: true)]
        }
        return [.send(error), .failed(reason: reason, serverError: false)]
    }
}
