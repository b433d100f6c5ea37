import FuzzSupport
import TFTPCore
import TFTPWire

/// The client and the server of one transfer, with a queue of packets in flight each way. The fuzzer picks
/// each event; `drain` then delivers in order, firing timers only when nothing is in flight.
struct LossyLink {
    let setup: Setup
    var client: ClientTransfer
    var server: ServerSide?
    var toServer: [TFTPPacket] = []
    var toClient: [TFTPPacket] = []
    /// What the receiving side wrote, in order.
    var received: [UInt8] = []
    var clientEnded: (finished: Bool, failed: Bool) = (false, false)
    var serverEnded: (finished: Bool, failed: Bool) = (false, false)

    init(setup: Setup) {
        self.setup = setup
        let direction: ClientTransfer.Direction = setup.upload ? .put(size: Int64(setup.file.count)) : .get
        client = ClientTransfer(direction: direction, request: setup.request, timeoutMilliseconds: 1000, retries: 3)
    }

    var isOver: Bool { (clientEnded.finished || clientEnded.failed) && (serverEnded.finished || serverEnded.failed) }

    mutating func start() { clientDid(client.start()) }

    mutating func step(_ choice: UInt8) {
        switch choice % 8 {
        case 0: deliverToServer()
        case 1: deliverToClient()
        case 2: if !toServer.isEmpty { toServer.removeFirst() }
        case 3: if !toClient.isEmpty { toClient.removeFirst() }
        case 4: if let first = toClient.first { toClient.append(first) }
        case 5: if var machine = server { serverDid(machine.timerFired(), &machine) }
        case 6: clientDid(client.timerFired())
        default: if toClient.count >= 2 { toClient.swapAt(0, 1) }
        }
    }

    /// Lossless from here: every transfer must end, and end agreed.
    mutating func drain() {
        var stalls = 0
        var rounds = 0
        while !isOver, rounds < 20_000, stalls < 50 {
            rounds += 1
            if !toServer.isEmpty {
                deliverToServer()
            } else if !toClient.isEmpty {
                deliverToClient()
            } else {
                stalls += 1
                clientDid(client.timerFired())
                if var machine = server { serverDid(machine.timerFired(), &machine) }
            }
        }
        require(clientEnded.finished || clientEnded.failed, "the client never ended (\(rounds) rounds)")
        if clientEnded.finished {
            require(received == setup.file, "\(received.count) bytes arrived of \(setup.file.count), or others")
        }
        if serverEnded.finished, !setup.upload { require(clientEnded.finished, "the server finished, not the client") }
    }

    private mutating func deliverToServer() {
        guard !toServer.isEmpty else { return }
        let packet = toServer.removeFirst()
        if case .readRequest(let request) = packet, !setup.upload {
            // A repeated request would start a second transfer on a new port: the shell's business, not ours.
            guard server == nil else { return }
            var machine = ServerSide.read(request, file: setup.file)
            serverDid(machine.start(), &machine)
        } else if case .writeRequest(let request) = packet, setup.upload {
            guard server == nil else { return }
            var machine = ServerSide.write(request)
            serverDid(machine.start(), &machine)
        } else if var machine = server {
            serverDid(machine.received(packet), &machine)
        }
    }

    private mutating func deliverToClient() {
        guard !toClient.isEmpty else { return }
        clientDid(client.received(toClient.removeFirst()))
    }

    private mutating func serverDid(_ events: [ServerSide.Event], _ machine: inout ServerSide) {
        server = machine
        for event in events {
            switch event {
            case .send(let packet): toClient.append(packet)
            case .wrote(let offset, let bytes): write(offset, bytes)
            case .finished: serverEnded.finished = true
            case .failed: serverEnded.failed = true
            }
        }
    }

    private mutating func clientDid(_ actions: [ClientTransfer.Action]) {
        for action in actions {
            switch action {
            case .sendRequest(let packet), .send(let packet): toServer.append(packet)
            case .sendData(let block, let offset, let length):
                let blockSize = server?.blockSize ?? 512
                toServer.append(
                    .data(block: block, payload: DataCheck.slice(setup.file, block, offset, length, blockSize)))
            case .write(let offset, let bytes): write(offset, bytes)
            case .armTimer(let milliseconds): require(milliseconds > 0, "client timer of \(milliseconds) ms")
            case .sizeKnown(let size): require(size == Int64(setup.file.count), "tsize \(size) announced")
            case .finished(let bytes):
                require(bytes == Int64(setup.file.count), "client finished after \(bytes) bytes")
                clientEnded.finished = true
            case .failed: clientEnded.failed = true
            }
        }
    }

    /// Receivers write in order: each write starts where the last one ended.
    private mutating func write(_ offset: Int64, _ bytes: [UInt8]) {
        require(offset == Int64(received.count), "write at \(offset) after \(received.count) bytes")
        received += bytes
        require(
            received.count <= setup.file.count, "\(received.count) bytes written of a \(setup.file.count)-byte file")
    }
}
