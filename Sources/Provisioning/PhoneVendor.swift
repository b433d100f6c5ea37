import WireSupport

/// Which vendor's provisioning a phone follows (issue 18): from its configured or learned model, else from
/// what DHCP showed (option 60, the OUI). Decides the files a shared name such as `<mac>.cfg` means (a
/// Yealink's own settings, a Polycom's master file) and what a step of its upgrade path is made of.
public enum PhoneVendor: String, Hashable, Sendable, CaseIterable {
    case cisco, yealink, polycom

    public static func of(model: String) -> PhoneVendor? {
        if PhoneCatalogue.model(named: model) != nil { return .cisco }
        if YealinkProfile.isModel(model) { return .yealink }
        if PolycomProfile.isModel(model) { return .polycom }
        return nil
    }

    /// - Parameter parameterRequestList: option 55. Only a Cisco 79xx's is documented (1,66,6,3,15,150,35,
    ///   research cisco-provisioning.md §1.1); the other vendors' are not (phones-beyond-7970.md marks them
    ///   unverified), so they are told apart by option 60 and the OUI alone.
    public static func of(vendorClass: String?, mac: MACAddress?, parameterRequestList: [UInt8]? = nil)
        -> PhoneVendor?
    {
        if YealinkProfile.matches(vendorClass: vendorClass, mac: mac) { return .yealink }
        if PolycomProfile.matches(vendorClass: vendorClass, mac: mac) { return .polycom }
        if let vendorClass, PhoneCatalogue.model(vendorClass: vendorClass) != nil { return .cisco }
        if parameterRequestList == PhoneCatalogue.ciscoParameterRequestList { return .cisco }
        return nil
    }

    /// What a phone must have fetched to run a step: Cisco's `.loads` and its components, or one image.
    public var images: UpgradeLadder.Images {
        switch self {
        case .cisco: .ciscoLoads
        case .yealink: .singleFile(suffix: ".rom")
        case .polycom: .singleFile(suffix: ".sip.ld")
        }
    }
}
