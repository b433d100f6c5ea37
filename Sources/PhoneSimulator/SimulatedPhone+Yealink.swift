import Foundation
import Provisioning

extension SimulatedPhone {
    /// A Yealink T4x (V83 firmware) after DHCP (`YealinkProfile`): `<mac>.boot` and `y000000000000.boot`
    /// (absent here, so it falls back), its hardware's common file (`y000000000028.cfg`), then its own
    /// `<mac>.cfg`; when a config names a firmware (`static.firmware.url`) other than the image it runs, it
    /// fetches the `.rom`, reboots onto it and starts over, until the config agrees with what it runs.
    func bootYealink(host: String) throws {
        guard let common = YealinkProfile.commonFile(model: setup.model) else {
            throw SimError("no Yealink hardware id for \(setup.model)")
        }
        var current: String?
        for _ in 0..<12 {
            for probe in YealinkProfile.bootFiles(setup.mac) where (try? fetch(probe, host: host)) != nil {
                throw SimError("\(probe) was served: the simulated phone only knows the older mechanism")
            }
            _ = try fetch(common, host: host)
            let config = try fetch(YealinkProfile.deviceFile(setup.mac), host: host)
            let image = YealinkProfile.firmware(inConfig: String(decoding: config, as: UTF8.self))
            guard let image, image.lowercased() != current?.lowercased() else {
                let running = current.map { String($0.dropLast(".rom".count)) } ?? "its image"
                onEvent?("running \(running), config agrees: done")
                sendSyslog(
                    "registered, running \(running) after \(report.loads.count) image\(report.loads.count == 1 ? "" : "s")"
                )
                return
            }
            onEvent?("config says \(image): upgrading")
            _ = try fetch(image, host: host)
            current = image
            report.loads.append(String(image.dropLast(".rom".count)))
            reboot()
        }
        throw SimError("still upgrading after 12 boots")
    }
}
