import FuzzSupport
import TFTPCore
import TFTPWire

/// libFuzzer entry point for TFTP option negotiation, both ways. A request (RRQ, WRQ) from a client goes
/// through the server's admission (file name rules) and RFC 2347 negotiation: what is acknowledged must be
/// what the transfer then runs with, within the configured limits. An OACK from a server goes to the
/// client (`dialtone tftp`, the simulated phones) asking for every option: it must start or refuse the
/// transfer, never trap, whatever values the server names.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let packet = try? TFTPPacket(decoding: Array(UnsafeBufferPointer(start: data, count: size))) else {
        return 0
    }
    switch packet {
    case .readRequest(let request):
        serve(request, .read)
    case .writeRequest(let request):
        serve(request, .write)
    case .optionAcknowledgement(let options):
        for direction in [ClientTransfer.Direction.get, .put(size: fileSize)] { answer(options, direction) }
    default:
        break
    }
    return 0
}

private let limits = NegotiationLimits(maxBlockSize: 1468, maxWindowSize: 64, defaultTimeoutMilliseconds: 1000)
private let fileSize: Int64 = 100_000

private func serve(_ request: TFTPRequest, _ direction: RequestAdmission.Direction) {
    let admission = RequestAdmission(allowWrite: true, allowOverwrite: false, maxTransfers: 4)
    if case .success(let components) = admission.admit(request, direction) {
        require(!components.isEmpty, "an admitted name has no components")
        for part in components {
            require(!part.isEmpty && part != "." && part != "..", "component `\(part)` of `\(request.filename)`")
            require(!part.contains("/") && !part.contains("\\"), "separator left in `\(part)`")
        }
    }
    let parameters = OptionNegotiation.negotiate(
        request, limits: limits, transferSize: direction == .read ? fileSize : nil)
    require((8...limits.maxBlockSize).contains(parameters.blockSize) || parameters.blockSize == 512, "blksize")
    require((1...limits.maxWindowSize).contains(parameters.windowSize), "windowsize \(parameters.windowSize)")
    require((1000...255_000).contains(parameters.timeoutMilliseconds), "timeout \(parameters.timeoutMilliseconds)")
    checkAcknowledged(parameters, request)
    if direction == .read {
        var transfer = ReadTransfer(parameters: parameters, fileSize: fileSize, maxRetries: 3)
        let first = transfer.start()
        if parameters.acknowledged.isEmpty {
            require(first.first == .sendData(block: 1, offset: 0, length: parameters.blockSize), "first DATA")
        } else {
            require(first.first == .sendOptionAcknowledgement(parameters.acknowledged), "OACK first")
        }
    }
}

/// The OACK names only options the client asked for, each once, with the value the transfer then uses: a
/// client reading `blksize 1024` while the server sends 512-byte blocks takes the first block as the last.
private func checkAcknowledged(_ parameters: TransferParameters, _ request: TFTPRequest) {
    var seen: Set<String> = []
    for option in parameters.acknowledged {
        let name = option.name.lowercased()
        require(seen.insert(name).inserted, "`\(name)` acknowledged twice in \(parameters.acknowledged)")
        require(request.options.contains { $0.name == option.name }, "`\(option.name)` was not asked for")
        switch name {
        case "blksize": require(option.value == String(parameters.blockSize), "blksize \(option.value) acked")
        case "windowsize": require(option.value == String(parameters.windowSize), "windowsize \(option.value)")
        case "timeout":
            require(Int64(option.value).map { $0 * 1000 } == parameters.timeoutMilliseconds, "timeout acked")
        case "tsize": require(Int64(option.value) != nil, "tsize `\(option.value)` acked")
        default: require(false, "unknown option `\(name)` acknowledged")
        }
    }
}

/// The client asked for everything; the server's OACK is the fuzzer's. Whatever it says, the client
/// either refuses it or runs a transfer whose blocks stay inside the file it uploads.
private func answer(_ options: [TFTPOption], _ direction: ClientTransfer.Direction) {
    let request = TFTPRequest(
        filename: "SEP001E7A2554A1.cnf.xml", mode: "octet",
        options: [
            TFTPOption("blksize", "1428"), TFTPOption("windowsize", "8"), TFTPOption("timeout", "2"),
            TFTPOption("tsize", "0"),
        ])
    var client = ClientTransfer(direction: direction, request: request, timeoutMilliseconds: 1000, retries: 2)
    _ = client.start()
    var actions = client.received(.optionAcknowledgement(options))
    for _ in 0..<3 { actions += client.timerFired() }
    actions += client.received(.ack(block: 1))
    for action in actions {
        switch action {
        case .sendData(_, let offset, let length):
            guard case .put(let size) = direction else { return require(false, "DATA sent on a download") }
            require(offset >= 0 && length >= 0 && offset + Int64(length) <= size, "DATA \(offset)+\(length)")
        case .armTimer(let milliseconds):
            require(milliseconds > 0, "timer armed for \(milliseconds) ms")
        default:
            break
        }
    }
}
