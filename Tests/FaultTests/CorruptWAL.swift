import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Damages a member's WAL the way a bad disk would: one flipped bit inside a record that valid records
/// follow (so recovery must call it corruption, not a torn tail).
enum CorruptWAL {
    /// Flips one bit in the newest `.wal` segment under `directory`, a third of the way into its written
    /// bytes. Returns the file and offset, or nil when there is no segment with data.
    static func flipByte(in directory: String, random: inout SeededRandom) -> (file: String, offset: Int)? {
        guard let file = newestSegment(in: directory), let bytes = readFileBytes(file) else { return nil }
        guard let lastNonZero = bytes.lastIndex(where: { $0 != 0 }), lastNonZero > 64 else { return nil }
        let offset = lastNonZero / 3 + Int.random(in: 0..<16, using: &random)
        guard let f = fopen(file, "r+") else { return nil }
        defer { fclose(f) }
        fseek(f, offset, SEEK_SET)
        var byte = bytes[offset] ^ 0x10
        fwrite(&byte, 1, 1, f)
        return (file, offset)
    }

    private static func newestSegment(in directory: String) -> String? {
        var found: [String] = []
        func walk(_ path: String) {
            guard let dir = opendir(path) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
                if name == "." || name == ".." { continue }
                let full = path + "/" + name
                if name.hasSuffix(".wal") { found.append(full) } else if entry.pointee.d_type == UInt8(DT_DIR) { walk(full) }
            }
        }
        walk(directory)
        return found.sorted().last
    }
}
