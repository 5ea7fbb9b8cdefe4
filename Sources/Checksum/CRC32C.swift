/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven with slicing-by-16 (16 bytes per step,
/// then 8, then 1).
///
/// The WAL and snapshot files checksum every record and chunk with it. `checksum("123456789") == 0xE3069283`.
public enum CRC32C {
    /// Sixteen 256-entry tables, flat: table `k` starts at `k * 256`. Table 0 is the classic byte-at-a-time
    /// table; table `k` advances a byte through `k` more zero bytes.
    static let tables: [UInt32] = makeTables()

    private static func makeTables() -> [UInt32] {
        let polynomial: UInt32 = 0x82F6_3B78
        var tables = [UInt32](repeating: 0, count: 16 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[byte] = crc
        }
        for table in 1..<16 {
            for byte in 0..<256 {
                let previous = tables[(table - 1) * 256 + byte]
                tables[table * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }

    /// The CRC-32C of `bytes`, continuing from `crc` (the result of an earlier call, or 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var state = ~crc
            var count = bytes.count
            guard var pointer = bytes.baseAddress else { return crc }
            while count >= 16 {
                let first = UInt32(littleEndian: pointer.loadUnaligned(as: UInt32.self)) ^ state
                let second = UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                let third = UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
                let fourth = UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                var mixed = table[15 * 256 + Int(first & 0xFF)] ^ table[14 * 256 + Int((first >> 8) & 0xFF)]
                mixed ^= table[13 * 256 + Int((first >> 16) & 0xFF)] ^ table[12 * 256 + Int(first >> 24)]
                mixed ^= table[11 * 256 + Int(second & 0xFF)] ^ table[10 * 256 + Int((second >> 8) & 0xFF)]
                mixed ^= table[9 * 256 + Int((second >> 16) & 0xFF)] ^ table[8 * 256 + Int(second >> 24)]
                mixed ^= table[7 * 256 + Int(third & 0xFF)] ^ table[6 * 256 + Int((third >> 8) & 0xFF)]
                mixed ^= table[5 * 256 + Int((third >> 16) & 0xFF)] ^ table[4 * 256 + Int(third >> 24)]
                mixed ^= table[3 * 256 + Int(fourth & 0xFF)] ^ table[2 * 256 + Int((fourth >> 8) & 0xFF)]
                mixed ^= table[1 * 256 + Int((fourth >> 16) & 0xFF)] ^ table[Int(fourth >> 24)]
                state = mixed
                pointer += 16
                count -= 16
            }
            while count >= 8 {
                let low = UInt32(littleEndian: pointer.loadUnaligned(as: UInt32.self)) ^ state
                let high = UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                state = table[7 * 256 + Int(low & 0xFF)]
                    ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)]
                    ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ table[Int(high >> 24)]
                pointer += 8
                count -= 8
            }
            while count > 0 {
                let byte = pointer.load(as: UInt8.self)
                state = (state >> 8) ^ table[Int((state ^ UInt32(byte)) & 0xFF)]
                pointer += 1
                count -= 1
            }
            return ~state
        }
    }

    /// The CRC-32C of a byte array, continuing from `crc`.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// The byte-at-a-time reference version (table 0 only); kept to test and measure slicing against.
    public static func checksumBytewise(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var state = ~crc
            for byte in bytes { state = (state >> 8) ^ table[Int((state ^ UInt32(byte)) & 0xFF)] }
            return ~state
        }
    }
}
