import Foundation
import Provisioning

extension SimulatedPhone {
    /// A Polycom UC phone after DHCP (`PolycomProfile`): its own master file `<mac>.cfg`, else the site's
    /// `000000000000.cfg`; when `APP_FILE_PATH` names an application other than the one it runs, it fetches
    /// that `.sip.ld`, reboots onto it and starts over; otherwise it reads the `CONFIG_FILES` in order and
    /// is done.
    func bootPolycom(host: String) throws {
        var current: String?
        for _ in 0..<12 {
            let master =
                try (try? fetch(PolycomProfile.masterFile(setup.mac), host: host))
                ?? fetch(PolycomProfile.masterFile, host: host)
            let (application, configFiles) = PolycomProfile.master(
                String(decoding: master, as: UTF8.self), mac: setup.mac)
            guard let application else { throw SimError("the master file names no APP_FILE_PATH") }
            if application.lowercased() != current?.lowercased() {
                onEvent?("master says \(application): upgrading")
                _ = try fetch(application, host: host)
                current = application
                report.loads.append(String(application.dropLast(".sip.ld".count)))
                reboot()
                continue
            }
            for file in configFiles { _ = try fetch(file, host: host) }
            let running = String(application.dropLast(".sip.ld".count))
            onEvent?("running \(running), master agrees: done")
            sendSyslog(
                "registered, running \(running) after \(report.loads.count) image\(report.loads.count == 1 ? "" : "s")")
            return
        }
        throw SimError("still upgrading after 12 boots")
    }
}
