import DialtoneLogging
import Foundation
import HTTPFileCore
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import TFTPCore
import Timeline

/// Answers one request: the pure admission, the look-up through the TFTP root's providers (the disk with its
/// jail, cache and case-insensitive match, then the generated configs and default-load aliases), the pure
/// response decision, then the chosen bytes streamed in chunks read on NIO's thread pool, so a large image
/// goes out at disk speed and is never held whole in memory (files up to 64 MiB come from the hot-file
/// cache TFTP fills and reads, which holds each once for every client).
struct HTTPFileResponder: Sendable {
    let providers: @Sendable () -> [any TFTPFileProvider]
    let fetches: HTTPFetches
    let logger: Logger
    /// Bytes read and written per step: large enough for disk speed, small enough to keep memory flat.
    static let chunk = 1 << 20

    func respond(to request: Request, client: SocketAddress?) async throws -> Response {
        let started = ContinuousClock.now
        let clientIP = client?.ipAddress ?? "?"
        let headers = request.headers
        var describe = HTTPTimeline.request(
            method: request.method.rawValue, name: request.uri.path, client: "\(clientIP):\(client?.port ?? 0)",
            range: headers[.range], userAgent: headers[.userAgent])
        let admitted: HTTPAdmission.Admitted
        switch HTTPAdmission.admit(method: request.method.rawValue, target: request.uri.description) {
        case .failure(let refusal): return refuse(refusal.status, refusal.reason, describe, clientIP)
        case .success(let value): admitted = value
        }
        describe[.http(.file)] = admitted.name
        let providers = self.providers()
        let opened: TFTPFile?
        do {
            // The look-up stats and may read a file into the cache: off the event loop and the task pool.
            opened = try await NIOThreadPool.singleton.runIfActive { () throws -> TFTPFile? in
                for provider in providers {
                    if let file = try provider.open(admitted.components) { return file }
                }
                return nil
            }
        } catch let error as TFTPOpenError {
            // Access violation (a symlink out of the root), an ambiguous name, an unreadable file.
            return refuse(error.code == 2 ? 403 : 404, error.message, describe, clientIP)
        }
        guard let file = opened else {
            return refuse(404, EventName.TFTP.fileNotFoundReason, describe, clientIP)
        }
        describe.merge(HTTPTimeline.origin(file.origin, size: file.size))
        let facts = Self.facts(of: file, name: admitted.name)
        let conditions = HTTPFileResponse.Conditions(
            range: headers[.range], ifRange: headers[.ifRange], ifNoneMatch: headers[.ifNoneMatch],
            ifModifiedSince: headers[.ifModifiedSince])
        let decision = HTTPFileResponse.decide(admitted.method, conditions, file: facts)
        var fields = HTTPFields()
        // The names are the decision's own, all valid tokens; `Key` is HTTPField.Name.
        for (name, value) in decision.headers {
            if let key = HTTPFields.Key(name) { fields[key] = value }
        }
        if decision.status == 416 {
            return refuse(416, "range not satisfiable: \(headers[.range] ?? "")", describe, clientIP, fields: fields)
        }
        let fetch = Fetch(
            id: fetches.begin(client: "\(clientIP):\(client?.port ?? 0)", file: admitted.name, size: file.size),
            fetches: fetches, logger: logger, describe: describe, status: decision.status, started: started,
            clientIP: clientIP, observes: admitted.method == .get && decision.status == 200 ? admitted.name : nil)
        let status = HTTPResponse.Status(code: decision.status)
        guard let body = decision.body else {
            fetch.end(bytes: 0, detail: nil)
            return Response(status: status, headers: fields)
        }
        // Disk reads go to the thread pool; a generated file is already in memory.
        let onDisk = if case .disk = file.origin { true } else { false }
        return Response(
            status: status, headers: fields,
            body: ResponseBody(contentLength: Int(body.length)) { writer in
                var sent: Int64 = 0
                do {
                    while sent < body.length {
                        let count = Int(min(Int64(Self.chunk), body.length - sent))
                        let offset = body.offset + sent
                        let read = { @Sendable () -> ByteBuffer in
                            var buffer = ByteBufferAllocator().buffer(capacity: count)
                            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) {
                                file.copy(offset, UnsafeMutableRawBufferPointer(rebasing: $0[..<count]))
                            }
                            return buffer
                        }
                        let buffer: ByteBuffer
                        if onDisk {
                            buffer = try await NIOThreadPool.singleton.runIfActive(read)
                        } else {
                            buffer = read()
                        }
                        // The file shrank under us: end the body short rather than send garbage.
                        guard buffer.readableBytes > 0 else { throw FileShrank() }
                        try await writer.write(buffer)
                        sent += Int64(buffer.readableBytes)
                        fetch.progress(sent)
                    }
                    try await writer.finish(nil)
                    fetch.end(bytes: sent, detail: nil)
                } catch {
                    fetch.end(
                        bytes: sent, detail: error is FileShrank ? "the file shrank while it was sent" : "\(error)")
                    throw error
                }
            })
    }

    struct FileShrank: Error {}

    /// The validators: size and mtime for a file on disk; a hash of the bytes for a small generated one.
    static func facts(of file: TFTPFile, name: String) -> FileFacts {
        let tag: EntityTag
        if let modified = file.modified {
            tag = .file(size: file.size, modifiedNanoseconds: modified)
        } else {
            tag = .content(file.read(0, Int(min(file.size, 4 << 20))))
        }
        return FileFacts(
            size: file.size, tag: tag, modified: file.modified.map { $0 / 1_000_000_000 },
            contentType: ContentType.of(name))
    }

    private func refuse(
        _ status: Int, _ reason: String, _ describe: EventMetadata, _ clientIP: String,
        fields: HTTPFields = HTTPFields()
    ) -> Response {
        let refused = HTTPTimeline.refused(describe, status: status, reason: reason)
        // Phones probe for files that do not exist on every boot: a 404 is info, like TFTP's File not found.
        logger.log(level: status == 404 ? .info : .notice, "\(refused.name)", metadata: refused.metadata.logMetadata)
        fetches.recorder?.record(client: clientIP, refused)
        Counter(label: "dialtone_http_refused_total", dimensions: [("status", "\(status)")]).increment()
        var fields = fields
        if status == 405 { fields[.allow] = "GET, HEAD" }
        let text = ByteBuffer(string: "\(status) \(reason)\n")
        fields[.contentType] = "text/plain; charset=utf-8"
        fields[.contentLength] = "\(text.readableBytes)"
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: text))
    }
}
