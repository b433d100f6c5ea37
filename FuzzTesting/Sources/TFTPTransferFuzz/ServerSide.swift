import FuzzSupport
import TFTPCore
import TFTPWire

/// The server's half of the transfer as the TFTP shell runs it: negotiation, then the read or write machine,
/// its actions turned into packets (DATA carries the file's bytes, checked by `DataCheck`).
enum ServerSide {
    case reading(ReadTransfer, file: [UInt8])
    case writing(WriteTransfer)

    enum Event {
        case send(TFTPPacket)
        case wrote(offset: Int64, bytes: [UInt8])
        case finished
        case failed
    }

    static func read(_ request: TFTPRequest, file: [UInt8]) -> ServerSide {
        let parameters = OptionNegotiation.negotiate(request, limits: Setup.limits, transferSize: Int64(file.count))
        return .reading(ReadTransfer(parameters: parameters, fileSize: Int64(file.count), maxRetries: 3), file: file)
    }

    static func write(_ request: TFTPRequest) -> ServerSide {
        let parameters = OptionNegotiation.negotiate(request, limits: Setup.limits, transferSize: nil)
        return .writing(WriteTransfer(parameters: parameters, maxRetries: 3, maxBytes: 1 << 20))
    }

    var blockSize: Int {
        switch self {
        case .reading(let machine, _): machine.parameters.blockSize
        case .writing(let machine): machine.parameters.blockSize
        }
    }

    mutating func start() -> [Event] {
        drive {
            $0.start()
        } write: {
            $0.start()
        }
    }
    mutating func received(_ packet: TFTPPacket) -> [Event] {
        drive {
            $0.received(packet)
        } write: {
            $0.received(packet)
        }
    }
    mutating func timerFired() -> [Event] {
        drive {
            $0.timerFired()
        } write: {
            $0.timerFired()
        }
    }

    private mutating func drive(
        read: (inout ReadTransfer) -> [ReadTransfer.Action], write: (inout WriteTransfer) -> [WriteTransfer.Action]
    ) -> [Event] {
        switch self {
        case .reading(var machine, let file):
            let actions = read(&machine)
            self = .reading(machine, file: file)
            return actions.flatMap { Self.events($0, machine, file) }
        case .writing(var machine):
            let actions = write(&machine)
            self = .writing(machine)
            return actions.flatMap(Self.events)
        }
    }

    private static func events(_ action: ReadTransfer.Action, _ machine: ReadTransfer, _ file: [UInt8]) -> [Event] {
        switch action {
        case .sendOptionAcknowledgement(let options): return [.send(.optionAcknowledgement(options))]
        case .sendData(let block, let offset, let length):
            let payload = DataCheck.slice(file, block, offset, length, machine.parameters.blockSize)
            return [.send(.data(block: block, payload: payload))]
        case .armTimer(let milliseconds):
            require(milliseconds > 0, "server timer of \(milliseconds) ms")
            return []
        case .finished(let bytes):
            require(bytes == Int64(file.count), "server finished after \(bytes) bytes of \(file.count)")
            return [.finished]
        case .failed(_, let error): return (error.map { [Event.send($0)] } ?? []) + [.failed]
        case .probed: return [.failed]
        }
    }

    private static func events(_ action: WriteTransfer.Action) -> [Event] {
        switch action {
        case .sendOptionAcknowledgement(let options): [.send(.optionAcknowledgement(options))]
        case .sendAck(let block): [.send(.ack(block: block))]
        case .write(let offset, let bytes): [.wrote(offset: offset, bytes: bytes)]
        case .armTimer: []
        case .complete(_, let finalAck): [.send(.ack(block: finalAck)), .finished]
        case .failed(_, let error): (error.map { [Event.send($0)] } ?? []) + [.failed]
        }
    }
}

/// The check on every DATA either side sends: the bytes exist in the file, and the block number is the one
/// their offset implies (modulo 2^16: large files roll over to 0, as tftp-hpa expects).
enum DataCheck {
    static func slice(_ file: [UInt8], _ block: UInt16, _ offset: Int64, _ length: Int, _ blockSize: Int) -> [UInt8] {
        require(offset >= 0 && length >= 0 && length <= blockSize, "DATA \(block) of \(length) bytes at \(offset)")
        require(
            offset + Int64(length) <= Int64(file.count), "DATA past the \(file.count)-byte file: \(offset)+\(length)")
        require(offset % Int64(blockSize) == 0, "DATA at \(offset), not on a \(blockSize)-byte block boundary")
        let number = offset / Int64(blockSize) + 1
        require(UInt16(truncatingIfNeeded: number) == block, "DATA \(block) carries block \(number)'s bytes")
        let end = Int(offset) + length
        require(length == blockSize || end == file.count, "a short DATA \(block) before the end of the file")
        return Array(file[Int(offset)..<end])
    }
}
