/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven with slicing-by-8.
///
/// The WAL and snapshot files checksum every record and chunk with it. `checksum("123456789") == 0xE3069283`.
public enum CRC32C {
    /// Eight 256-entry tables, flat: table `k` starts at `k * 256`. Table 0 is the classic byte-at-a-time table.
    static let tables: [UInt32] = makeTables()

    private static func makeTables() -> [UInt32] {
        let polynomial: UInt32 = 0x82F6_3B78
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[byte] = crc
        }
        for table in 1..<8 {
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

    /// The byte-at-a-time reference version (table 0 only); kept to test and measure slicing-by-8 against.
    public static func checksumBytewise(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var state = ~crc
            for byte in bytes { state = (state >> 8) ^ table[Int((state ^ UInt32(byte)) & 0xFF)] }
            return ~state
        }
    }
}
