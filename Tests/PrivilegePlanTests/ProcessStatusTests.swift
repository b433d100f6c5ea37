import Foundation
import PrivilegePlan
import Testing

/// `/proc/PID/status` as Linux 6.x writes it (proc(5)), read back and compared with a plan: the check
/// `serve` makes on every thread after switching user.
@Suite struct ProcessStatusTests {
    static func status(
        uid: String = "65534", groups: String = "65534", eff: String = "0000000000003400",
        bnd: String = "0000000000003400", amb: String = "0000000000003400"
    ) -> String {
        """
        Name:\tdialtone
        Umask:\t0022
        State:\tS (sleeping)
        Tgid:\t4242
        Pid:\t4242
        Uid:\t\(uid)\t65534\t65534\t65534
        Gid:\t65534\t65534\t65534\t65534
        FDSize:\t64
        Groups:\t\(groups)
        CapInh:\t0000000000003400
        CapPrm:\t0000000000003400
        CapEff:\t\(eff)
        CapBnd:\t\(bnd)
        CapAmb:\t\(amb)
        NoNewPrivs:\t1
        Seccomp:\t0

        """
    }

    let planned = CapabilitySet([.netBindService, .netAdmin, .netRaw])

    @Test func aSwitchedThreadMatchesThePlan() throws {
        let status = try #require(ProcessStatus(text: Self.status()))
        #expect(status.uids == [65534, 65534, 65534, 65534])
        #expect(status.effective == planned)
        #expect(status.noNewPrivileges)
        #expect(status.differences(uid: 65534, gid: 65534, capabilities: planned, boundingChecked: true).isEmpty)
    }

    @Test func eachDifferenceIsNamed() throws {
        let root = try #require(
            ProcessStatus(
                text: Self.status(
                    uid: "0", groups: "0 65534", eff: "0000000000000000",
                    bnd: "000001ffffffffff", amb: "0000000000000000")))
        let differences = root.differences(uid: 65534, gid: 65534, capabilities: planned, boundingChecked: true)
        #expect(differences.count == 5)
        #expect(differences.contains { $0.hasPrefix("Uid [0, 65534, 65534, 65534]") })
        #expect(differences.contains { $0.hasPrefix("still in group 0") })
        #expect(
            differences.contains {
                $0
                    == "CapEff 0000000000000000 (none) is not 0000000000003400 (cap_net_bind_service,cap_net_admin,cap_net_raw)"
            })
        #expect(differences.contains { $0.hasPrefix("CapAmb 0000000000000000") })
        #expect(differences.contains { $0.hasPrefix("CapBnd 000001ffffffffff (cap_0,") })
        // Without a bounding check (a non-root start lacks CAP_SETPCAP) and ids, only the sets count.
        #expect(root.differences(uid: nil, gid: nil, capabilities: planned, boundingChecked: false).count == 2)
    }

    @Test func truncatedOrGarbledStatusIsRefused() {
        #expect(ProcessStatus(text: "Name:\tdialtone\nUid:\t0\t0\t0\t0\n") == nil)
        #expect(
            ProcessStatus(
                text: Self.status().replacingOccurrences(of: "CapEff:\t0000000000003400", with: "CapEff:\tzz")) == nil)
    }
}
