#if canImport(Glibc)
import Glibc
#endif
import Replica

/// Small helpers shared by the subcommands: output, flags, the cluster file.
enum Console {
    static func error(_ text: String) {
        var bytes = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// Parses `--flag value` and `--flag=value` options; the rest are positional.
    struct Flags {
        var values: [String: String] = [:]
        var switches: Set<String> = []
        var positional: [String] = []

        init(_ args: [String], switches known: Set<String> = []) {
            var i = 0
            while i < args.count {
                let a = args[i]
                if a.hasPrefix("--") || (a.hasPrefix("-") && a.count == 2 && a != "-") {
                    let name = String(a.drop(while: { $0 == "-" }))
                    if let eq = name.firstIndex(of: "=") {
                        values[String(name[..<eq])] = String(name[name.index(after: eq)...])
                    } else if known.contains(name) {
                        switches.insert(name)
                    } else if i + 1 < args.count {
                        values[name] = args[i + 1]
                        i += 1
                    } else {
                        switches.insert(name)
                    }
                } else {
                    positional.append(a)
                }
                i += 1
            }
        }

        subscript(_ name: String) -> String? { values[name] }
        func has(_ name: String) -> Bool { switches.contains(name) || values[name] != nil }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes += buffer[..<n]
        }
        return bytes
    }

    /// Writes `text` to `path` (creating parent folders), replacing it atomically; false on failure.
    static func writeFile(_ path: String, _ text: String) -> Bool {
        var folder = ""
        for part in path.split(separator: "/").dropLast() {
            folder += "/" + part
            mkdir(folder, 0o755)
        }
        let temporary = path + ".tmp"
        guard let f = fopen(temporary, "w") else { return false }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, f)
        fclose(f)
        guard written == bytes.count else { return false }
        return rename(temporary, path) == 0
    }

    /// Reads and parses a cluster file; relative data paths resolve against the file's folder.
    static func loadCluster(_ path: String) -> ClusterConfig? {
        guard let bytes = readFile(path) else {
            error("tern: cannot read \(path)")
            return nil
        }
        let absolute = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        let folder = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.endIndex)])
        do {
            return try ClusterConfig.parse(String(decoding: bytes, as: UTF8.self), baseDirectory: folder.isEmpty ? "/" : folder)
        } catch {
            Console.error("tern: \(error)")
            return nil
        }
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Blocks SIGINT and SIGTERM in this thread and every thread started after, so one thread can
    /// wait for them with `waitForSignal`.
    static func blockStopSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
        return set
    }
}
