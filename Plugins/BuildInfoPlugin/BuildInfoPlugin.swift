import Foundation
import PackagePlugin

/// Stamps the `dialtone` executable with its version (the VERSION file) and the commit it was built from,
/// for `dialtone --version`. SwiftPM has no other way to pass a value into a build: the plugin reads both
/// while the build is planned, and the command's arguments change with them, so a new commit re-runs it.
/// The commit is read from .git's files, not by running git: a build machine (a Debian package build, a
/// source tarball) may have no git, and then the commit reads "unknown".
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let version =
            (try? String(contentsOf: root.appending(path: "VERSION"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "0.0.0"
        let commit = GitCommit.read(repository: root) ?? "unknown"
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo.swift")
        return [
            .buildCommand(
                displayName: "Stamping build info \(version) \(commit.prefix(12))",
                executable: try context.tool(named: "BuildInfoGenerator").url,
                arguments: [output.path, version, commit],
                inputFiles: [root.appending(path: "VERSION")],
                outputFiles: [output])
        ]
    }
}

/// HEAD's commit from the files git keeps: `.git` may be a directory or, in a worktree, a file naming one;
/// HEAD holds a commit or `ref: refs/heads/NAME`, found loose or in packed-refs.
enum GitCommit {
    static func read(repository root: URL) -> String? {
        var gitDirectory = root.appending(path: ".git")
        if let pointer = try? String(contentsOf: gitDirectory, encoding: .utf8), pointer.hasPrefix("gitdir:") {
            let path = pointer.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            gitDirectory = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appending(path: path)
        }
        guard let head = text(gitDirectory.appending(path: "HEAD")) else { return nil }
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst(5))
        // A worktree keeps its HEAD apart but shares refs with the main repository (commondir).
        var common = gitDirectory
        if let relative = text(gitDirectory.appending(path: "commondir")) {
            common = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : gitDirectory.appending(path: relative)
        }
        for directory in [gitDirectory, common] {
            if let loose = text(directory.appending(path: ref)) { return loose }
        }
        let packed = text(common.appending(path: "packed-refs")) ?? ""
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
            return String(line.prefix { $0 != " " })
        }
        return nil
    }

    private static func text(_ url: URL) -> String? {
        (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
