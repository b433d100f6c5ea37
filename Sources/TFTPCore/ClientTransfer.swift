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
                switch name {
                case "blksize": parameters.blockSize = Int(option.value) ?? 512
                case "windowsize": parameters.windowSize = Int(option.value) ?? 1
                case "timeout":
                    parameters.timeoutMilliseconds = (Int64(option.value) ?? timeoutMilliseconds / 1000) * 1000
                case "tsize":
                    if let size = Int64(option.value), case .get = direction { extra.append(.sizeKnown(size)) }
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
