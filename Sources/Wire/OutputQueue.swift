#if canImport(Glibc)
import Glibc
#endif

/// Bytes waiting to be written to one socket, kept as separate chunks and written with one
/// `sendmsg` gather call per flush (no copying into a contiguous buffer).
/// - Warning: owned by one event-loop thread.
struct OutputQueue {
    private var chunks: [[UInt8]] = []
    private var head = 0            // index of the first unwritten chunk
    private var headOffset = 0      // bytes of chunks[head] already written
    private(set) var bufferedBytes = 0

    var isEmpty: Bool { bufferedBytes == 0 }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        chunks.append(bytes)
        bufferedBytes += bytes.count
    }

    mutating func removeAll() {
        chunks.removeAll()
        head = 0
        headOffset = 0
        bufferedBytes = 0
    }

    /// Result of a flush: bytes written, and whether the socket is still usable.
    enum FlushResult: Equatable {
        case written(Int)     // the queue may still hold bytes (socket buffer full)
        case closed(written: Int)
    }

    /// Writes as much as the socket accepts.
    mutating func flush(to fd: Int32) -> FlushResult {
        var total = 0
        let maxIOV = 64
        while bufferedBytes > 0 {
            let result: Socket.IOResult = withUnsafeTemporaryAllocation(of: iovec.self, capacity: maxIOV) { vec in
                var count = 0
                var index = head
                while index < chunks.count && count < maxIOV {
                    let offset = index == head ? headOffset : 0
                    // The pointers outlive `withUnsafeBytes` only until `writev` returns; they stay
                    // valid because every chunk is a native contiguous array that nobody mutates or
                    // frees during the call.
                    chunks[index].withUnsafeBytes { raw in
                        vec[count] = iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress! + offset),
                                           iov_len: raw.count - offset)
                    }
                    count += 1
                    index += 1
                }
                return Socket.writev(fd, vec.baseAddress!, count: count)
            }
            switch result {
            case .bytes(let n):
                total += n
                consume(n)
                if n == 0 { return .written(total) }
            case .wouldBlock:
                return .written(total)
            case .closed, .failed:
                return .closed(written: total)
            }
        }
        return .written(total)
    }

    private mutating func consume(_ n: Int) {
        var left = n
        bufferedBytes -= n
        while left > 0 {
            let available = chunks[head].count - headOffset
            if left >= available {
                left -= available
                head += 1
                headOffset = 0
            } else {
                headOffset += left
                left = 0
            }
        }
        if head == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
    }
}
