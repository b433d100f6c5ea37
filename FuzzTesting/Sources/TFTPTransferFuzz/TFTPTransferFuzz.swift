import FuzzSupport
import TFTPCore
import TFTPWire

/// libFuzzer entry point driving whole transfers through the TFTP machines: `ClientTransfer` (the client
/// `dialtone tftp` and the phones use) against the server's `OptionNegotiation` and `ReadTransfer` or
/// `WriteTransfer`, over a link the fuzzer controls (`LossyLink`: it delivers, drops, duplicates, reorders
/// and fires timers). The first bytes choose the direction, the options asked and the file size. Then the
/// link is drained losslessly, so every input ends: both sides must agree, the file must arrive whole, and
/// no DATA may reach past the file or carry a block number that does not match its offset.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let setup = Setup(&input)
    var link = LossyLink(setup: setup)
    link.start()
    var steps = 0
    while !input.isEmpty, !link.isOver, steps < 2000 {
        steps += 1
        link.step(input.byte())
    }
    link.drain()
    return 0
}

/// The transfer an input asks for.
struct Setup {
    static let blockSizes = [8, 9, 512, 513, 1024, 1428]
    static let windowSizes = [1, 2, 3, 8, 64]
    static let limits = NegotiationLimits(maxBlockSize: 1428, maxWindowSize: 16, defaultTimeoutMilliseconds: 1000)

    var upload: Bool
    var options: [TFTPOption]
    var file: [UInt8]

    init(_ input: inout FuzzInput) {
        let flags = input.byte()
        upload = flags & 1 != 0
        options = []
        var blockSize = 512
        if flags & 2 != 0 {
            blockSize = Self.blockSizes[input.pick(Self.blockSizes.count)]
            options.append(TFTPOption("blksize", String(blockSize)))
        }
        if flags & 4 != 0 {
            options.append(TFTPOption("windowsize", String(Self.windowSizes[input.pick(Self.windowSizes.count)])))
        }
        if flags & 8 != 0 { options.append(TFTPOption("tsize", "0")) }
        if flags & 16 != 0 { options.append(TFTPOption("timeout", "1")) }
        // Up to `maxBlocks` blocks; a multiple of the block size (which ends with an empty DATA) half the time.
        var size = Int(input.u16()) % (Self.maxBlocks * min(blockSize, Setup.limits.maxBlockSize) + 1)
        if flags & 32 != 0 { size -= size % blockSize }
        if upload, let index = options.firstIndex(where: { $0.name == "tsize" }) {
            options[index].value = String(size)
        }
        file = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    }

    /// Enough for windows to wrap many times, few enough that a drained transfer stays fast.
    static let maxBlocks = 600

    var request: TFTPRequest { TFTPRequest(filename: "SIP70.9-2-1S.loads", mode: "octet", options: options) }
}
