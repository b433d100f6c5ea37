import ArgumentParser
import Foundation
import TFTPClient
import TFTPCore
import TFTPWire

struct TFTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tftp",
        abstract: "TFTP client: get or put a file (RFC 1350, with blksize, windowsize and tsize).",
        discussion: """
            Examples:
              dialtone tftp get 198.18.0.1 term70.default.loads
              dialtone tftp get 198.18.0.1:6969 SIP70.9-2-1S.loads --blksize 1468 --windowsize 16 --tsize
              dialtone tftp put 198.18.0.1 backup/switch1.cfg ./running-config

            A download is written to LOCAL.part and renamed when complete, so a broken transfer never \
            leaves a half file under the real name. Progress is shown when stderr is a terminal.

            Exit codes: 0 done; 1 the server refused (its ERROR message is printed: file not found, \
            access violation...); 3 no answer or the transfer broke off; 2 bad usage or a local file problem.
            """
    )

    enum Direction: String, ExpressibleByArgument { case get, put }

    @Argument(help: "get or put.") var direction: Direction
    @Argument(help: "Server as HOST or HOST:PORT (port 69 by default).") var server: String
    @Argument(help: "File name on the server.") var remote: String
    @Argument(help: "Local file (default: the remote name's last component).") var local: String?
    @Option(help: "Block size to negotiate (8-65464, RFC 2348).") var blksize: Int?
    @Option(help: "Window size to negotiate (1-65535, RFC 7440).") var windowsize: Int?
    @Flag(help: "Ask for the transfer size (get) or announce it (put) (RFC 2349).") var tsize = false
    @Option(help: "Retransmission timeout in seconds (1-255).") var timeout = 1
    @Option(help: "Retransmissions before giving up.") var retries = 5

    func validate() throws {
        if let blksize, !(8...65464).contains(blksize) { throw ValidationError("--blksize must be 8-65464 (RFC 2348)") }
        if let windowsize, !(1...65535).contains(windowsize) {
            throw ValidationError("--windowsize must be 1-65535 (RFC 7440)")
        }
        if !(1...255).contains(timeout) { throw ValidationError("--timeout must be 1-255 seconds") }
        if retries < 0 { throw ValidationError("--retries must be 0 or more") }
    }

    func run() throws {
        let parts = server.split(separator: ":")
        guard (1...2).contains(parts.count), let port = parts.count == 2 ? UInt16(parts[1]) : 69 else {
            throw ValidationError("server must be HOST or HOST:PORT, e.g. 198.18.0.1:69")
        }
        let host = String(parts[0]) == "localhost" ? "127.0.0.1" : String(parts[0])
        let localPath =
            local ?? String(remote.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? Substring(remote))
        var options: [TFTPOption] = []
        if let blksize { options.append(TFTPOption("blksize", String(blksize))) }
        if let windowsize { options.append(TFTPOption("windowsize", String(windowsize))) }
        if timeout != 1 { options.append(TFTPOption("timeout", String(timeout))) }

        var runner = TFTPClientRunner(host: host, port: port)
        let tty = isatty(2) == 1
        if tty { runner.progress = Progress.report }
        let outcome: TFTPClientRunner.Outcome
        switch direction {
        case .get:
            if tsize { options.append(TFTPOption("tsize", "0")) }
            let partial = localPath + ".part"
            let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { return try fail(2, "cannot create \(partial): \(String(cString: strerror(errno)))") }
            let transfer = ClientTransfer(
                direction: .get, request: TFTPRequest(filename: remote, mode: "octet", options: options),
                timeoutMilliseconds: Int64(timeout) * 1000, retries: retries)
            outcome = runner.run(
                transfer, read: { _, _ in [] },
                write: { offset, bytes in
                    bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, bytes.count, off_t(offset)) } == bytes.count
                })
            close(fd)
            if case .completed = outcome { rename(partial, localPath) } else { unlink(partial) }
        case .put:
            let fd = open(localPath, O_RDONLY)
            guard fd >= 0 else { return try fail(2, "cannot read \(localPath): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var info = stat()
            fstat(fd, &info)
            if tsize { options.append(TFTPOption("tsize", String(info.st_size))) }
            let transfer = ClientTransfer(
                direction: .put(size: Int64(info.st_size)),
                request: TFTPRequest(filename: remote, mode: "octet", options: options),
                timeoutMilliseconds: Int64(timeout) * 1000, retries: retries)
            outcome = runner.run(
                transfer,
                read: { offset, count in
                    var buffer = [UInt8](repeating: 0, count: count)
                    let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
                    return Array(buffer.prefix(max(0, n)))
                }, write: { _, _ in true })
        }
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        switch outcome {
        case .completed(let bytes, let seconds):
            let rate = seconds > 0 ? Double(bytes) / seconds / 1e6 : 0
            printError(
                String(
                    format: "%@ %lld bytes in %.2f s (%.1f MB/s)", direction == .get ? "received" : "sent", bytes,
                    seconds, rate))
        case .refused(let reason):
            try fail(1, reason)
        case .failed(let reason):
            try fail(3, reason)
        }
    }

    private func fail(_ code: Int32, _ message: String) throws {
        printError("dialtone tftp: \(message)")
        throw ExitCode(code)
    }
}

/// One progress line, rewritten in place (only when stderr is a terminal).
enum Progress {
    static func report(_ done: Int64, _ total: Int64?) {
        let mib = Double(done) / 1_048_576
        let line: String
        if let total, total > 0 {
            line = String(format: "\r%8.2f / %.2f MiB  %3d%%", mib, Double(total) / 1_048_576, Int(done * 100 / total))
        } else {
            line = String(format: "\r%8.2f MiB", mib)
        }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
