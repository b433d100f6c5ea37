/// What the provisioning needs to know about a phone model: the `termXX` recovery load name, the XMLDefault
/// device-type id (`loadInformation<id>`), and the firmware family prefix of its load files.
/// Sources: research cisco-provisioning.md §1.2, §2.2 and §4.4 (chan-sccp, provision_sccp, wazo).
public struct PhoneModel: Hashable, Sendable {
    public var name: String
    /// `term70` for a 7970: the phone asks `term70.default.loads` after a factory reset or format.
    public var termName: String?
    public var deviceTypeID: Int?
    /// The two-digit family in load names: SCCP70.*, SIP70.*, TERM70.* are 7970 loads.
    public var family: String?

    public init(name: String, termName: String?, deviceTypeID: Int?, family: String?) {
        self.name = name
        self.termName = termName
        self.deviceTypeID = deviceTypeID
        self.family = family
    }
}

public enum PhoneCatalogue {
    public static let models: [PhoneModel] = [
        PhoneModel(name: "CP-7906G", termName: "term06", deviceTypeID: 369, family: "11"),
        PhoneModel(name: "CP-7911G", termName: "term11", deviceTypeID: 307, family: "11"),
        PhoneModel(name: "CP-7931G", termName: "term31", deviceTypeID: 348, family: "31"),
        PhoneModel(name: "CP-7941G", termName: "term41", deviceTypeID: 115, family: "41"),
        PhoneModel(name: "CP-7941G-GE", termName: "term41", deviceTypeID: 309, family: "41"),
        PhoneModel(name: "CP-7942G", termName: "term42", deviceTypeID: 434, family: "42"),
        PhoneModel(name: "CP-7945G", termName: "term45", deviceTypeID: 435, family: "45"),
        PhoneModel(name: "CP-7961G", termName: "term61", deviceTypeID: 30018, family: "41"),
        PhoneModel(name: "CP-7961G-GE", termName: "term61", deviceTypeID: 308, family: "41"),
        PhoneModel(name: "CP-7962G", termName: "term62", deviceTypeID: 404, family: "42"),
        PhoneModel(name: "CP-7965G", termName: "term65", deviceTypeID: 436, family: "45"),
        PhoneModel(name: "CP-7970G", termName: "term70", deviceTypeID: 30006, family: "70"),
        PhoneModel(name: "CP-7971G-GE", termName: "term71", deviceTypeID: 119, family: "70"),
        PhoneModel(name: "CP-7975G", termName: "term75", deviceTypeID: 437, family: "75"),
        PhoneModel(name: "CP-7940G", termName: nil, deviceTypeID: 8, family: nil),
        PhoneModel(name: "CP-7960G", termName: nil, deviceTypeID: 7, family: nil),
        // 78xx/88xx on enterprise firmware: SEP<MAC>.cnf.xml as the 79xx, loads named sip88xx.<ver>,
        // sip8845_65.<ver>, sip78xx.<ver>, files over HTTP on 6970 before TFTP (docs/research/
        // phones-beyond-7970.md §1). Device type ids of the 78xx and 8811/8845/8865 are not verified: none.
        PhoneModel(name: "CP-8841", termName: nil, deviceTypeID: 683, family: nil),
        PhoneModel(name: "CP-8851", termName: nil, deviceTypeID: 684, family: nil),
        PhoneModel(name: "CP-8861", termName: nil, deviceTypeID: 685, family: nil),
        PhoneModel(name: "CP-8811", termName: nil, deviceTypeID: nil, family: nil),
        PhoneModel(name: "CP-8845", termName: nil, deviceTypeID: nil, family: nil),
        PhoneModel(name: "CP-8865", termName: nil, deviceTypeID: nil, family: nil),
        PhoneModel(name: "CP-7821", termName: nil, deviceTypeID: nil, family: nil),
        PhoneModel(name: "CP-7841", termName: nil, deviceTypeID: nil, family: nil),
        PhoneModel(name: "CP-7861", termName: nil, deviceTypeID: nil, family: nil),
    ]

    /// Option 55 as a 79xx sends it (the CP-7911G trace, research cisco-provisioning.md §1.1).
    public static let ciscoParameterRequestList: [UInt8] = [1, 66, 6, 3, 15, 150, 35]

    /// 78xx and 88xx: they also ask for `AppDialRules.xml` at boot, and fetch over HTTP on port 6970 first.
    public static func isEnterprise78xx88xx(_ name: String) -> Bool {
        let upper = name.uppercased()
        return upper.hasPrefix("CP-78") || upper.hasPrefix("CP-88")
    }

    public static func model(named name: String) -> PhoneModel? {
        models.first { $0.name.caseInsensitiveCompare(name) }
    }

    /// The model whose recovery file is `termXX.default.loads`.
    public static func models(forTermName term: String) -> [PhoneModel] {
        models.filter { $0.termName?.caseInsensitiveCompare(term) == true }
    }

    /// From option 60 (`Cisco Systems, Inc. IP Phone CP-7970G`, trailing NUL already stripped).
    public static func model(vendorClass: String) -> PhoneModel? {
        guard vendorClass.hasPrefix("Cisco System") else { return nil }
        return models.filter { vendorClass.hasSuffix($0.name) }.max { $0.name.count < $1.name.count }
    }
}

extension String {
    func caseInsensitiveCompare(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
