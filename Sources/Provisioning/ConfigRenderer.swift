import Mustache

/// `SEP<MAC>.cnf.xml` and `XMLDefault.cnf.xml` from Mustache templates. The shipped defaults are the
/// minimal SCCP and SIP files of research cisco-provisioning.md §4.2-4.3; `phones.config_templates` may hold
/// `sccp.cnf.xml.mustache`, `sip.cnf.xml.mustache` and `xmldefault.cnf.xml.mustache` to override them.
public struct ConfigRenderer: Sendable {
    public var sccp: MustacheTemplate
    public var sip: MustacheTemplate
    public var xmlDefault: MustacheTemplate
    /// Yealink T4x (`YealinkProfile`): `y0000000000XX.cfg` and `<mac>.cfg`.
    public var yealinkCommon: MustacheTemplate
    public var yealinkDevice: MustacheTemplate
    /// Polycom UC (`PolycomProfile`): the master files and `<mac>-user.cfg`.
    public var polycomMaster: MustacheTemplate
    public var polycomUser: MustacheTemplate

    public init(
        sccp: String? = nil, sip: String? = nil, xmlDefault: String? = nil, yealinkCommon: String? = nil,
        yealinkDevice: String? = nil, polycomMaster: String? = nil, polycomUser: String? = nil
    ) throws {
        self.polycomMaster = try MustacheTemplate(string: polycomMaster ?? Self.defaultPolycomMaster)
        self.polycomUser = try MustacheTemplate(string: polycomUser ?? Self.defaultPolycomUser)
        self.sccp = try MustacheTemplate(string: sccp ?? Self.defaultSCCP)
        self.sip = try MustacheTemplate(string: sip ?? Self.defaultSIP)
        self.xmlDefault = try MustacheTemplate(string: xmlDefault ?? Self.defaultXMLDefault)
        self.yealinkCommon = try MustacheTemplate(string: yealinkCommon ?? Self.defaultYealinkCommon)
        self.yealinkDevice = try MustacheTemplate(string: yealinkDevice ?? Self.defaultYealinkDevice)
    }

    /// `y0000000000XX.cfg`: what every phone of that hardware shares (time and syslog from this server).
    public func yealinkCommon(hardwareID: Int, models: [String], server: String) -> String {
        yealinkCommon.render(
            ["hardwareID": String(hardwareID), "models": models.joined(separator: ", "), "server": server]
                as [String: Any])
    }

    /// `<mac>.cfg`. - Parameter firmware: the `.rom` of the phone's ladder step; nil keeps the image it runs.
    public func yealinkDevice(mac: String, firmware: String?, server: String) -> String {
        var context: [String: Any] = ["mac": mac, "server": server]
        if let firmware { context["firmware"] = firmware }
        return yealinkDevice.render(context)
    }

    /// - Parameter load: the `loadInformation` value: a load name without `.loads`.
    public func device(mac: String, load: String?, server: String, versionStamp: String) -> String {
        let isSIP = load?.uppercased().hasPrefix("SIP") ?? false
        let context: [String: Any] = ["mac": mac, "load": load ?? "", "server": server, "versionStamp": versionStamp]
        return (isSIP ? sip : sccp).render(context)
    }

    public func defaults(loads: [(deviceTypeID: Int, load: String)], server: String) -> String {
        let entries = loads.sorted { $0.deviceTypeID < $1.deviceTypeID }.map {
            ["id": String($0.deviceTypeID), "load": $0.load]
        }
        return xmlDefault.render(["loads": entries, "server": server] as [String: Any])
    }

    static let defaultSCCP = """
        <?xml version="1.0" encoding="UTF-8"?>
        <device>
          <fullConfig>true</fullConfig>
          <deviceProtocol>SCCP</deviceProtocol>
          <devicePool>
            <dateTimeSetting>
              <dateTemplate>D.M.Y</dateTemplate>
              <timeZone>GMT Standard/Daylight Time</timeZone>
            </dateTimeSetting>
            <callManagerGroup>
              <members>
                <member priority="0">
                  <callManager>
                    <ports><ethernetPhonePort>2000</ethernetPhonePort></ports>
                    <processNodeName>{{server}}</processNodeName>
                  </callManager>
                </member>
              </members>
            </callManagerGroup>
          </devicePool>
          <versionStamp>{{versionStamp}}</versionStamp>
          <loadInformation>{{load}}</loadInformation>
          <vendorConfig><webAccess>0</webAccess><settingsAccess>1</settingsAccess></vendorConfig>
        </device>

        """

    static let defaultSIP = """
        <?xml version="1.0" encoding="UTF-8"?>
        <device>
          <fullConfig>true</fullConfig>
          <deviceProtocol>SIP</deviceProtocol>
          <devicePool>
            <dateTimeSetting>
              <dateTemplate>D/M/Y</dateTemplate>
              <timeZone>GMT Standard/Daylight Time</timeZone>
              <ntps><ntp><name>{{server}}</name><ntpMode>Unicast</ntpMode></ntp></ntps>
            </dateTimeSetting>
            <callManagerGroup><members><member priority="0"><callManager>
              <ports><sipPort>5060</sipPort></ports><processNodeName>{{server}}</processNodeName>
            </callManager></member></members></callManagerGroup>
          </devicePool>
          <versionStamp>{{versionStamp}}</versionStamp>
          <loadInformation>{{load}}</loadInformation>
        </device>

        """

    /// A Polycom master file. - Parameters:
    ///   - application: the `.sip.ld` of the phone's ladder step (the site's master: `sip.ld`).
    ///   - configFiles: what the phone reads next (`[PHONE_MAC_ADDRESS]-user.cfg` in the site's master).
    public func polycomMaster(application: String, configFiles: String) -> String {
        polycomMaster.render(["application": application, "configFiles": configFiles] as [String: Any])
    }

    public func polycomUser(mac: String, server: String) -> String {
        polycomUser.render(["mac": mac, "server": server] as [String: Any])
    }

    /// The master file's format and the settings' keys from wazo's Polycom plugin (docs/research/
    /// phones-beyond-7970.md §2.2-2.4); `device.*` keys need their `.set="1"`.
    static let defaultPolycomMaster = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <APPLICATION APP_FILE_PATH="{{application}}" CONFIG_FILES="{{configFiles}}" />

        """

    static let defaultPolycomUser = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <!-- Dialtone: settings of {{mac}} -->
        <polycomConfig
         device.set="1"
         device.syslog.serverName.set="1" device.syslog.serverName="{{server}}"
         device.syslog.transport.set="1" device.syslog.transport="1"
         reg.1.address="{{mac}}" reg.1.label="{{mac}}"
         reg.1.server.1.address="{{server}}" reg.1.server.1.port="5060" reg.1.server.1.transport="UDPOnly"
        />

        """

    /// Keys of firmware V83 and later (wazo's Yealink v83/v86 templates; docs/provisioning.md). The first
    /// line must be the version header. The firmware goes in the phone's own file: its ladder step is its own.
    static let defaultYealinkCommon = """
        #!version:1.0.0.1
        ## Dialtone: common settings for Yealink {{models}} (hardware {{hardwareID}})
        local_time.ntp_server1 = {{server}}
        static.syslog.enable = 1
        static.syslog.server = {{server}}

        """

    static let defaultYealinkDevice = """
        #!version:1.0.0.1
        ## Dialtone: settings of {{mac}}
        account.1.enable = 1
        account.1.label = {{mac}}
        account.1.sip_server.1.address = {{server}}
        account.1.sip_server.1.port = 5060
        {{#firmware}}
        static.firmware.url = tftp://{{server}}/{{firmware}}
        {{/firmware}}

        """

    static let defaultXMLDefault = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Default>
          <callManagerGroup><members><member priority="0"><callManager>
            <ports><ethernetPhonePort>2000</ethernetPhonePort><sipPort>5060</sipPort></ports>
            <processNodeName>{{server}}</processNodeName>
          </callManager></member></members></callManagerGroup>
        {{#loads}}
          <loadInformation{{id}} model="">{{load}}</loadInformation{{id}}>
        {{/loads}}
        </Default>

        """
}
