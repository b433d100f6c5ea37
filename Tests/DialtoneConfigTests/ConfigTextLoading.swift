import ConfigLoader

/// The config suites' one way to load YAML text and read what it was refused for, as `check` prints it.
protocol ConfigTextLoading {}

extension ConfigTextLoading {
    /// Every error `ConfigLoader` reports for `yaml` (read as `x.yaml`), as `file:line:column: key: message`;
    /// empty when the text loads.
    func errors(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "x.yaml")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }
}
