// The `tern` command: argument parsing and wiring only.
#if canImport(Glibc)
import Glibc
#endif

let usage = """
    usage: tern <command>

      up        start a local three-member cluster from cluster.conf (not built yet)
      server    run one control-plane member (not built yet)
      version   print the version

    Tern's store and servers are being built issue by issue; README.md's status table says what works.
    """

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "version":
    print("tern 0.1.0-dev")
case "up", "server":
    FileHandleOutput.standardError("tern \(arguments[0]): not built yet (the replicated store is issue 6); see README.md\n")
    exit(2)
default:
    FileHandleOutput.standardError(usage + "\n")
    exit(arguments.isEmpty ? 2 : 1)
}

/// Writes to the process's standard streams without Foundation.
enum FileHandleOutput {
    static func standardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
