#if canImport(Glibc)
import Glibc
#endif

/// CPU time of this process (getrusage) and of other processes (/proc/PID/stat), in seconds.
enum CPUClock {
    /// User + system CPU seconds used by this process so far.
    static func selfSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    /// User + system CPU seconds of `pids` summed (processes that cannot be read count 0).
    static func processSeconds(_ pids: [Int32]) -> Double {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = 0.0
        for pid in pids {
            guard let f = fopen("/proc/\(pid)/stat", "r") else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = fread(&buffer, 1, buffer.count - 1, f)
            fclose(f)
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            // Fields after the command name "(...)": state is field 3; utime 14, stime 15.
            guard let close = text.lastIndex(of: ")") else { continue }
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let ut = Double(fields[11]), let st = Double(fields[12]) else { continue }
            total += (ut + st) / ticks
        }
        return total
    }

    /// Resident set size of `pid` in MiB (VmRSS), or nil.
    static func residentMiB(_ pid: Int32) -> Double? {
        guard let f = fopen("/proc/\(pid)/status", "r") else { return nil }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, f) != nil {
            let s = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if s.hasPrefix("VmRSS:") {
                let digits = s.filter { $0.isNumber }
                return Double(digits).map { $0 / 1024 }
            }
        }
        return nil
    }
}
