import ArgumentParser
import DHCPServerCore
import DialtoneConfig
import Foundation
import LeaseStore
import ServiceSupport
import Timeline
import WireSupport

/// `dialtone forget MAC`: drops what was learned about a client (issue 18). With no server running on the
/// state, straight into the store; with one running, through its web API, because that server keeps the
/// learned needs in memory and would go on applying (and later rewrite) what is deleted behind its back.
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Forget what the server learned about a client (e.g. that its replies must be broadcast).",
        discussion: """
            Dialtone learns some needs from a client's behaviour: a client that answers a unicast OFFER with \
            a new DISCOVER gets its later replies broadcast (docs/dhcp.md, "Learned client needs"). `explain` \
            shows what was learned and why. This command forgets it: the client's next replies follow RFC 2131 \
            again until its behaviour teaches otherwise.

            When `dialtone serve` runs on this config's state, the command asks it through its web API \
            (POST /api/devices/MAC/forget, with web.token), so the config needs a web: section; otherwise it \
            writes the store itself. Exit 0 when done (also when nothing was learned), 2 when it cannot be done.

            Examples:
              dialtone forget 00:1e:7a:25:54:a1 --config dialtone.yaml
              dialtone forget 001E.7A25.54A1 --config /etc/dialtone/dialtone.yaml
            """
    )
    @Argument(help: "The client's MAC address, in any notation.") var mac: String
    @OptionGroup var configOption: ConfigOption

    func run() throws {
        guard let device = MACAddress(mac) else { throw ValidationError("`\(mac)` is not a MAC address") }
        let config = try configOption.load()
        let lock: StateDirectoryLock
        do {
            lock = try StateDirectoryLock(directory: config.stateDirectory)
        } catch let held as StateDirectoryLock.Held {
            try forgetThroughServer(device, config: config, holder: "\(held)")
            return
        } catch {
            printError("dialtone: \(error)")
            throw ExitCode(2)
        }
        try withExtendedLifetime(lock) {
            guard let store = try StoreOpener.open(config, create: false),
                let needs = try store.loadClientNeeds()[device], !needs.isEmpty
            else {
                say("\(device): nothing learned, nothing to forget")
                return
            }
            let event = TimelineEvent(
                time: Int64(Date().timeIntervalSince1970 * 1000), mac: device, name: .dhcp(.clientForgotten),
                level: .notice, metadata: [:])
            try store.write(StoreBatch(events: [event], clientNeeds: [device: []]))
            say("\(device): forgot \(needs.map(\.need.description).joined(separator: ", "))")
        }
    }

    private func forgetThroughServer(_ device: MACAddress, config: DialtoneConfiguration, holder: String) throws {
        guard let web = config.web else {
            printError(
                "dialtone: \(holder) serves this state and keeps what it learned in memory; add a web: section to \(config.sourceFile) (and reload) so `forget` can ask it, or stop it first"
            )
            throw ExitCode(2)
        }
        // A server listening on every address answers on loopback too.
        let host = web.listen.host == "0.0.0.0" ? "127.0.0.1" : web.listen.host
        let answer: PlainHTTP.Response
        do {
            answer = try PlainHTTP.request(
                "POST", host: host, port: web.listen.port, path: "/api/devices/\(device)/forget",
                headers: web.token.isEmpty ? [] : [("Authorization", "Bearer \(web.token)")])
        } catch {
            printError("dialtone: cannot reach the running server's web API at \(host):\(web.listen.port): \(error)")
            throw ExitCode(2)
        }
        let body = String(decoding: answer.body, as: UTF8.self)
        guard answer.status == 200 else {
            printError("dialtone: the running server answered \(answer.status): \(VisibleText.line(body))")
            throw ExitCode(2)
        }
        let forgotten = body.contains("\"forgotten\":true")
        say(forgotten ? "\(device): forgotten by the running server" : "\(device): nothing learned, nothing to forget")
    }
}
