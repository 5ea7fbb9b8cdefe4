/// A log-linear latency histogram in nanoseconds (HDR-style): 64 linear sub-buckets per power of
/// two, so every recorded value is reported within 1/64 (≈1.6 %) of its true value; the exact
/// minimum, maximum and sum are kept beside it. Fixed size, no allocation per sample.
/// - Warning: not thread-safe; one owner thread records and reads.
struct LatencyHistogram {
    private static let subBucketBits = 6
    private static let subBuckets = 1 << subBucketBits  // 64
    private static let bucketCount = (64 - subBucketBits) * subBuckets + 2 * subBuckets

    private var counts = [UInt64](repeating: 0, count: LatencyHistogram.bucketCount)
    private(set) var count: UInt64 = 0
    private(set) var maxValue: UInt64 = 0
    private(set) var minValue: UInt64 = .max
    private(set) var sum: UInt64 = 0

    /// The bucket holding `value`: exact below 128, then 64 sub-buckets per power of two.
    @inline(__always)
    private static func index(of value: UInt64) -> Int {
        if value < UInt64(2 * subBuckets) { return Int(value) }
        let msb = 63 - value.leadingZeroBitCount
        let shift = msb - subBucketBits
        let sub = Int(value >> UInt64(shift))  // 64...127
        return shift * subBuckets + sub
    }

    /// The midpoint of bucket `index`'s value range.
    private static func representative(of index: Int) -> UInt64 {
        if index < 2 * subBuckets { return UInt64(index) }
        let shift = index / subBuckets - 1
        let sub = UInt64(index - shift * subBuckets)
        let low = sub << UInt64(shift)
        return low + ((UInt64(1) << UInt64(shift)) >> 1)
    }

    /// Records one latency sample.
    @inline(__always)
    mutating func record(_ nanoseconds: UInt64) {
        counts[Self.index(of: nanoseconds)] &+= 1
        count &+= 1
        sum &+= nanoseconds
        if nanoseconds > maxValue { maxValue = nanoseconds }
        if nanoseconds < minValue { minValue = nanoseconds }
    }

    /// Adds every sample of `other`.
    mutating func merge(_ other: LatencyHistogram) {
        for i in 0..<counts.count { counts[i] &+= other.counts[i] }
        count &+= other.count
        sum &+= other.sum
        maxValue = max(maxValue, other.maxValue)
        minValue = min(minValue, other.minValue)
    }

    /// The value at quantile `q` (0...1), in nanoseconds; the exact maximum for q == 1; 0 when empty.
    func percentile(_ q: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if q >= 1 { return maxValue }
        let rank = max(1, UInt64((q * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen &+= c
            if seen >= rank { return min(max(Self.representative(of: i), minValue), maxValue) }
        }
        return maxValue
    }

    /// The standard summary in milliseconds: p50, p90, p99, p99.9, max.
    var summaryMilliseconds: (p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
        func ms(_ v: UInt64) -> Double { Double(v) / 1e6 }
        return (ms(percentile(0.5)), ms(percentile(0.9)), ms(percentile(0.99)), ms(percentile(0.999)), ms(maxValue))
    }
}
