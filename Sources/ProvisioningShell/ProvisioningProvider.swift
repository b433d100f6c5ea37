import DialtoneConfig
import DialtoneLogging
import Foundation
import LeaseStore
import Logging
import NIOConcurrencyHelpers
import Provisioning
import ServiceSupport
import TFTPCore
import Timeline
import WireSupport

/// Virtual TFTP files for phones, consulted after the disk (a real file always wins):
/// - `termXX.default.loads`: the `.loads` of `phones.default_loads[model]`, served as its alias;
/// - `SEP<MAC>.cnf.xml`: rendered per phone, `<loadInformation>` set by its upgrade ladder step;
/// - `XMLDefault.cnf.xml`: per-model `loadInformation<id>`;
/// - Yealink T4x (`YealinkProfile`): `y0000000000XX.cfg` per hardware, and `<mac>.cfg` for a phone known to
///   be a Yealink, `firmware.url` set by its ladder step.
/// Watches completed downloads to move each phone up its ladder; the state survives restarts in the store.
public final class ProvisioningProvider: TFTPFileProvider {
    /// The `phones:` section, the TFTP root's files and the templates: a reload replaces them together
    /// (`reconfigure`) while the phones' ladder states stay, so no phone loses its step.
    private struct Settings {
        var config: PhonesConfiguration
        var disk: any TFTPFileProvider
        var renderer: ConfigRenderer
    }
    private let settings: NIOLockedValueBox<Settings>
    var config: PhonesConfiguration { settings.withLockedValue { $0.config } }
    var disk: any TFTPFileProvider { settings.withLockedValue { $0.disk } }
    var renderer: ConfigRenderer { settings.withLockedValue { $0.renderer } }
    let writer: StoreWriter
    let directory: DeviceDirectory
    let serverAddress: String
    let logger: Logger
    /// Set by the assembly so ladder events join the phone's timeline.
    public let recorder: DeviceEventRecorder?
    let states: NIOLockedValueBox<[String: PhoneState]>
    /// When this server last wrote each phone's state (see `follow`).
    let persisted = NIOLockedValueBox<[String: Int64]>([:])

    public init(
        config: PhonesConfiguration, disk: any TFTPFileProvider, writer: StoreWriter, directory: DeviceDirectory,
        serverAddress: String, recorder: DeviceEventRecorder? = nil, logger: Logger
    ) throws {
        self.recorder = recorder
        self.writer = writer
        self.directory = directory
        self.serverAddress = serverAddress
        self.logger = logger
        settings = NIOLockedValueBox(
            Settings(config: config, disk: disk, renderer: try Self.renderer(templates: config.configTemplates)))
        let decoder = JSONDecoder()
        let loaded = (try? writer.store.loadPhoneStates()) ?? [:]
        states = NIOLockedValueBox(
            loaded.compactMapValues { try? decoder.decode(PhoneState.self, from: Data($0.utf8)) })
    }

    /// A reload: the new section, root and templates for the next request. Throws, changing nothing, when a
    /// template does not compile.
    public func reconfigure(config: PhonesConfiguration, disk: any TFTPFileProvider) throws {
        let renderer = try Self.renderer(templates: config.configTemplates)
        settings.withLockedValue { $0 = Settings(config: config, disk: disk, renderer: renderer) }
    }

    /// The renderer with `phones.config_templates`' files where present, the built-in templates otherwise.
    static func renderer(templates folder: String?) throws -> ConfigRenderer {
        func template(_ name: String) -> String? {
            folder.flatMap { try? String(contentsOfFile: $0 + "/" + name, encoding: .utf8) }
        }
        return try ConfigRenderer(
            sccp: template("sccp.cnf.xml.mustache"), sip: template("sip.cnf.xml.mustache"),
            xmlDefault: template("xmldefault.cnf.xml.mustache"), yealinkCommon: template("yealink-common.cfg.mustache"),
            yealinkDevice: template("yealink-device.cfg.mustache"),
            polycomMaster: template("polycom-master.cfg.mustache"),
            polycomUser: template("polycom-user.cfg.mustache"))
    }

    public func open(_ components: [String]) throws(TFTPOpenError) -> TFTPFile? {
        guard components.count == 1 else { return nil }
        let name = components[0].lowercased()
        if name.hasSuffix(".default.loads"),
            let alias = defaultLoad(term: String(name.dropLast(".default.loads".count)))
        {
            guard let file = try disk.open([alias + ".loads"]) else { return nil }
            var aliased = TFTPFile(
                size: file.size, origin: .virtual("\(components[0]) as alias of \(alias).loads"), read: file.read,
                copy: file.copy)
            aliased.modified = file.modified
            return aliased
        }
        if name == "xmldefault.cnf.xml" {
            let text = renderer.defaults(loads: defaultsPerModel(), server: serverAddress)
            return TFTPFile(bytes: Array(text.utf8), origin: .virtual("XMLDefault.cnf.xml generated"))
        }
        if name.hasPrefix("sep"), name.hasSuffix(".cnf.xml"),
            let mac = MACAddress(String(name.dropFirst(3).dropLast(8)))
        {
            return deviceConfig(mac)
        }
        if case .common(let id)? = YealinkProfile.file(named: name) {
            let models = YealinkProfile.models(hardwareID: id)
            guard !models.isEmpty else { return nil }
            let text = renderer.yealinkCommon(hardwareID: id, models: models, server: serverAddress)
            return TFTPFile(bytes: Array(text.utf8), origin: .virtual("Yealink common config generated (\(models[0]))"))
        }
        switch PolycomProfile.file(named: name) {
        case .siteMaster?:
            // For a Polycom not known by MAC: the conventional combined image, and its own settings file.
            let text = renderer.polycomMaster(application: "sip.ld", configFiles: "[PHONE_MAC_ADDRESS]-user.cfg")
            return TFTPFile(bytes: Array(text.utf8), origin: .virtual("Polycom site master generated"))
        case .user(let mac)?:
            let text = renderer.polycomUser(mac: mac.compactUppercase.lowercased(), server: serverAddress)
            return TFTPFile(bytes: Array(text.utf8), origin: .virtual("Polycom settings generated"))
        case .master(let mac)?:
            // `<mac>.cfg` is a Yealink's own settings or a Polycom's master file: the phone's vendor decides,
            // and a phone of neither (or unknown) gets File not found.
            switch vendor(of: mac) {
            case .yealink?:
                let own = ladder(for: mac, model: nil).flatMap {
                    PhoneVendor.of(model: $0.1 ?? "") == .yealink ? $0 : nil
                }
                return yealinkConfig(mac, ladder: own)
            case .polycom?: return polycomMaster(mac)
            default: return nil
            }
        case nil:
            return nil
        }
    }

    /// The vendor of a phone: its configured model's, else the model it showed, else what DHCP showed.
    func vendor(of mac: MACAddress) -> PhoneVendor? {
        if let model = config.devices.first(where: { $0.mac == mac })?.model { return PhoneVendor.of(model: model) }
        if let model = state(for: mac)?.model, let vendor = PhoneVendor.of(model: model) { return vendor }
        return PhoneVendor.of(
            vendorClass: directory.vendorClass(for: mac), mac: mac,
            parameterRequestList: directory.parameterRequestList(for: mac))
    }

    /// A Polycom's own master file: `APP_FILE_PATH` names the `.sip.ld` of its ladder step (without a
    /// ladder, the conventional `sip.ld`), `CONFIG_FILES` its settings.
    private func polycomMaster(_ mac: MACAddress) -> TFTPFile {
        var application = "sip.ld"
        if let (ladder, model) = ladder(for: mac, model: nil), PhoneVendor.of(model: model ?? "") == .polycom,
            let step = ladder.load(for: configRequested(mac, ladder: ladder, model: model))
        {
            application = PolycomProfile.imageFile(step)
        }
        let text = renderer.polycomMaster(application: application, configFiles: PolycomProfile.userFile(mac))
        return TFTPFile(
            bytes: Array(text.utf8), origin: .virtual("Polycom master generated, application \(application)"))
    }

    /// The load `termXX.default.loads` stands for: `phones.default_loads` of a model with that term name.
    func defaultLoad(term: String) -> String? {
        for model in PhoneCatalogue.models(forTermName: term) {
            if let load = config.defaultLoads.first(where: { $0.key.lowercased() == model.name.lowercased() })?.value {
                return load
            }
        }
        return nil
    }

    func defaultsPerModel() -> [(deviceTypeID: Int, load: String)] {
        var out: [Int: String] = [:]
        for (name, load) in config.defaultLoads {
            if let id = PhoneCatalogue.model(named: name)?.deviceTypeID { out[id] = load }
        }
        for (name, steps) in config.upgradePaths {
            if let id = PhoneCatalogue.model(named: name)?.deviceTypeID, let first = steps.first {
                out[id] = out[id] ?? first
            }
        }
        return out.map { ($0.key, $0.value) }
    }

    func ladder(for mac: MACAddress, model: String?) -> (UpgradeLadder, String?)? {
        let device = config.devices.first { $0.mac == mac }
        // The model: configured per device, else from DHCP option 60, else what the phone showed (a Yealink's
        // common file names its hardware), else (unknown) the only ladder there is.
        let vendorClass = directory.vendorClass(for: mac)
        let seen =
            vendorClass.flatMap(PhoneCatalogue.model(vendorClass:))?.name
            ?? vendorClass.flatMap(YealinkProfile.model(vendorClass:))
        let shown = state(for: mac)?.model
        // Yealink's and Polycom's option 60 may carry no model, and a Cisco known only by its option 55
        // shows none: with one path of the vendor DHCP showed configured, that is its path.
        let shownVendor = PhoneVendor.of(
            vendorClass: vendorClass, mac: mac, parameterRequestList: directory.parameterRequestList(for: mac))
        let vendorPaths = config.upgradePaths.keys.filter { PhoneVendor.of(model: $0) == shownVendor }
        let onlyOfVendor = shownVendor != nil && vendorPaths.count == 1 ? vendorPaths.first : nil
        let modelName =
            device?.model ?? model ?? seen ?? shown ?? onlyOfVendor
            ?? (config.upgradePaths.count == 1 ? config.upgradePaths.keys.first : nil)
        guard let modelName,
            let steps = config.upgradePaths.first(where: { $0.key.lowercased() == modelName.lowercased() })?.value
        else {
            return nil
        }
        let images = PhoneVendor.of(model: modelName)?.images ?? .ciscoLoads
        return (UpgradeLadder(steps: steps, target: device?.targetLoad, images: images), modelName)
    }

    /// Components a load needs, from its `.loads` on disk.
    func components(of load: String) -> [String]? {
        guard let file = try? disk.open([load + ".loads"]) else { return nil }
        return LoadsFile(bytes: file.read(0, Int(file.size))).requiredComponents.map(\.name)
    }

    private func deviceConfig(_ mac: MACAddress) -> TFTPFile? {
        guard let (ladder, model) = ladder(for: mac, model: nil) else {
            // No ladder for this phone: an empty loadInformation keeps the image it runs.
            let text = renderer.device(mac: mac.compactUppercase, load: nil, server: serverAddress, versionStamp: "1")
            return TFTPFile(bytes: Array(text.utf8), origin: .virtual("SEP config generated, no upgrade path"))
        }
        let state = configRequested(mac, ladder: ladder, model: model)
        let load = ladder.load(for: state)
        let text = renderer.device(
            mac: mac.compactUppercase, load: load, server: serverAddress, versionStamp: "\(state.step + 1)")
        return TFTPFile(bytes: Array(text.utf8), origin: .virtual("SEP config generated, load \(load ?? "-")"))
    }

    /// `<mac>.cfg` of a Yealink: `firmware.url` names the `.rom` of its ladder step (none without a ladder).
    private func yealinkConfig(_ mac: MACAddress, ladder: (UpgradeLadder, String?)?) -> TFTPFile {
        var firmware: String?
        if let (ladder, model) = ladder {
            firmware = ladder.load(for: configRequested(mac, ladder: ladder, model: model)).map(
                YealinkProfile.firmwareFile)
        }
        let text = renderer.yealinkDevice(
            mac: mac.compactUppercase.lowercased(), firmware: firmware, server: serverAddress)
        return TFTPFile(
            bytes: Array(text.utf8), origin: .virtual("Yealink config generated, firmware \(firmware ?? "unchanged")"))
    }
}
