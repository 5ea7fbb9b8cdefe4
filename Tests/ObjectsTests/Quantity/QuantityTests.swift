import Testing
@testable import Objects

@Suite("Resource quantities")
struct QuantityTests {
    @Test("canonical forms as Kubernetes prints them", arguments: [
        ("0", "0"), ("0n", "0"), ("0Ki", "0"), ("-0", "0"), ("000", "0"),
        ("1n", "1n"), ("1u", "1u"), ("1m", "1m"), ("1", "1"), ("1k", "1k"), ("1M", "1M"), ("1G", "1G"),
        ("1T", "1T"), ("1P", "1P"), ("1E", "1E"), ("12E", "12E"),
        ("1Ki", "1Ki"), ("5Ki", "5Ki"), ("1024Ki", "1Mi"), ("100Mi", "100Mi"), ("128Mi", "128Mi"),
        ("1536Mi", "1536Mi"), ("1.5Gi", "1536Mi"), ("0.5Gi", "512Mi"), ("1Ei", "1Ei"),
        ("1.5Ki", "1536"), ("512Ki", "512Ki"), ("0.5Ki", "512"), ("1023", "1023"), ("1.1Ki", "1126400m"),
        ("0.5", "500m"), ("1000m", "1"), ("1500m", "1500m"), ("1.5", "1500m"), ("0.1", "100m"), ("0.1m", "100u"),
        ("100k", "100k"), ("1.5k", "1500"), ("1000n", "1u"), ("100n", "100n"), ("2", "2"), ("+2", "2"), ("02", "2"),
        ("1e3", "1e3"), ("1E3", "1e3"), ("10e3", "10e3"), ("1e6", "1e6"), ("1e-3", "1e-3"), ("1e-9", "1e-9"),
        ("1.5e3", "1500"), ("1e+3", "1e3"),
        ("-1", "-1"), ("-0.5", "-500m"), ("-1.5Ki", "-1536"), ("-1Gi", "-1Gi"), ("-100k", "-100k"),
        ("0.0000001m", "1n"), ("1e-10", "1e-9"), ("1.0000000001", "1000000001n"), ("-1e-10", "-1e-9"),
        ("9223372036854775807", "9223372036854775807"), ("9223372036854775808", "9223372036854775808"),
        ("1e28", "10e27"), ("100Ei", "9223372036854775807"), ("8Ei", "9223372036854775807"), ("7Ei", "7Ei"),
        ("1.", "1"), (".5", "500m"),
        ("1.0000000000000000000000001", "1000000001n"), ("0.0000000000000000000000001Ei", "116n"), ("123456789012345678.9", "123456789012345678900m"),
        ("1234567890123456789", "1234567890123456789"), ("0.000000000000000000000000000000000000001", "1n"),
    ])
    func canonical(text: String, printed: String) throws {
        let q = try Quantity(parsing: text)
        #expect(q.description == printed)
        #expect(try Quantity(parsing: printed) == q, "the canonical form parses back to the same value")
    }

    @Test("bad text is rejected with Kubernetes' messages", arguments: [
        ("", "quantities must match the regular expression"),
        ("1.1.1", "quantities must match the regular expression"),
        ("1 Gi", "quantities must match the regular expression"),
        ("abc", "quantities must match the regular expression"),
        ("Mi", "quantities must match the regular expression"),
        ("1Mb", "quantities must match the regular expression"),
        ("-", "quantities must match the regular expression"),
        (".", "quantities must match the regular expression"),
        ("1Gi ", "quantities must match the regular expression"),
        ("1K", "unable to parse quantity's suffix"),
        ("1ki", "unable to parse quantity's suffix"),
        ("1e", "unable to parse quantity's suffix"),
        ("1e99999999999", "unable to parse quantity's suffix"),
        ("1MiB", "quantities must match the regular expression"),
        (String(repeating: "1", count: 300), "at most 256 bytes"),
    ])
    func errors(text: String, message: String) {
        #expect {
            _ = try Quantity(parsing: text)
        } throws: { error in
            guard let error = error as? QuantityError else { return false }
            return error.description.contains(message) && error.description.hasPrefix("cannot parse '")
        }
    }

    @Test("value and milliValue round up away from zero", arguments: [
        ("1500m", 2, 1500), ("1", 1, 1000), ("1n", 1, 1), ("-1500m", -2, -1500), ("128Mi", 134_217_728, 134_217_728_000),
        ("0.5", 1, 500), ("100", 100, 100_000), ("-1n", -1, -1), ("0", 0, 0),
        ("9223372036854775807", Int64.max, Int64.max), ("12E", Int64.max, Int64.max), ("-12E", Int64.min, Int64.min),
    ] as [(String, Int64, Int64)])
    func scaledValues(text: String, value: Int64, milli: Int64) throws {
        let q = try Quantity(parsing: text)
        #expect(q.value == value)
        #expect(q.milliValue == milli)
    }

    @Test("comparison and equality ignore the format")
    func comparison() throws {
        #expect(try Quantity(parsing: "1Gi") == Quantity(parsing: "1073741824"))
        #expect(try Quantity(parsing: "1000m") == Quantity(parsing: "1"))
        #expect(try Quantity(parsing: "1Gi") > Quantity(parsing: "1G"))
        #expect(try Quantity(parsing: "999m") < Quantity(parsing: "1"))
        #expect(try Quantity(parsing: "-1") < Quantity.zero)
        #expect(try Set([Quantity(parsing: "1000m"), Quantity(parsing: "1")]).count == 1)
    }

    @Test("sums and differences are exact and keep the left format (or the right's after zero)")
    func arithmetic() throws {
        #expect(try (Quantity(parsing: "100m") + Quantity(parsing: "200m")).description == "300m")
        #expect(try (Quantity(parsing: "1Gi") + Quantity(parsing: "512Mi")).description == "1536Mi")
        #expect(try (Quantity.zero + Quantity(parsing: "1Gi")).description == "1Gi")
        #expect(try (Quantity(parsing: "1") - Quantity(parsing: "1500m")).description == "-500m")
        #expect(try (Quantity(parsing: "0.1") + Quantity(parsing: "0.2")) == Quantity(parsing: "300m"))
        var total = Quantity.zero
        for _ in 0..<10 { total += try Quantity(parsing: "100m") }
        #expect(total.description == "1")
        total -= try Quantity(parsing: "1")
        #expect(total.isZero)
        #expect((-Quantity(milliValue: 250)).description == "-250m")
        let big = try Quantity(parsing: "8Ei")
        #expect((big + big).value == Int64.max, "sums past Int64 saturate value")
        #expect((big + big).nanos == 2 * Quantity.capNanos, "but stay exact")
        #expect((Quantity(nanos: .max) + Quantity(nanos: 1)).nanos == .max)
        #expect(try Quantity(parsing: "1e40").nanos == .max, "decimal text past the 128-bit range saturates")
        #expect(try Quantity(parsing: "-1e40").nanos == -.max)
    }

    @Test("JSON form: strings and numbers in, the canonical string out")
    func jsonForm() throws {
        #expect(try Quantity(json: .number("2")).description == "2")
        #expect(try Quantity(json: .number("0.5")).description == "500m")
        #expect(try Quantity(json: .string("1.5Gi")).json == .string("1536Mi"))
        #expect(throws: QuantityError.formatWrong(text: "true")) { try Quantity(json: .bool(true)) }
        #expect(throws: QuantityError.self) { try Quantity(json: .number("-1e99999999999")) }
    }

    @Test("constructors")
    func constructors() {
        #expect(Quantity(value: 2).description == "2")
        #expect(Quantity(value: 1024, format: .binarySI).description == "1Ki")
        #expect(Quantity(milliValue: 500).description == "500m")
        #expect(Quantity(value: 3000, format: .decimalExponent).description == "3e3")
    }

    @Test("random values print and parse back to themselves", arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let formats: [Quantity.Format] = [.decimalSI, .binarySI, .decimalExponent]
        for _ in 0..<500 {
            let magnitude = Int128(next() % 1_000_000_000_000) * Int128(1 << (next() % 40))
            let nanos = next() % 2 == 0 ? magnitude : -magnitude
            let q = Quantity(nanos: nanos, format: formats[Int(next() % 3)])
            let parsed = try Quantity(parsing: q.description)
            #expect(parsed == q, "seed \(seed): \(q.nanos) printed \(q.description)")
            // The same text padded past 18 significant digits takes the big-integer path.
            let text = q.description
            let split = text.firstIndex(where: { !($0.isNumber || $0 == "-") }) ?? text.endIndex
            let padded = String(text[..<split]) + ".000000000000000000000" + String(text[split...])
            #expect(try Quantity(parsing: padded) == q, "seed \(seed): \(padded)")
        }
    }
}
