import Testing
import Objects

@Suite struct TimestampFormatTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(951_782_400), "2000-02-29T00:00:00Z"),
        (Int64(1_795_452_556), "2026-11-23T16:49:16Z"),
        (Int64(-1), "1969-12-31T23:59:59Z"),
        (Int64(4_102_444_800), "2100-01-01T00:00:00Z"),
    ])
    func formatsAndParsesUTC(seconds: Int64, text: String) throws {
        #expect(Timestamp(seconds: seconds).rfc3339 == text)
        let parsed = try #require(Timestamp(rfc3339: text))
        #expect(parsed == Timestamp(seconds: seconds))
    }

    @Test func microsecondsAndOffsets() throws {
        let t = try #require(Timestamp(rfc3339: "2026-11-23T18:49:16.1234567+02:00"))
        #expect(t.seconds == 1_795_452_556)
        #expect(t.microseconds == 123_456)
        #expect(t.rfc3339Micro == "2026-11-23T16:49:16.123456Z")
        #expect(t.rfc3339 == "2026-11-23T16:49:16Z")
        #expect(Timestamp(rfc3339: "2026-11-23T16:49:16.5Z")?.microseconds == 500_000)
    }

    @Test(arguments: ["", "2026-11-23", "2026-11-23T16:49:16", "2026-13-01T00:00:00Z", "2026-11-23T16:49:16.Z",
                      "2026-11-23T16:49:16Zjunk", "2026-11-23 16:49:16Z", "2026-11-23T16:49:16+0200"])
    func rejectsMalformed(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}

@Suite struct FieldErrorTests {
    @Test func printsLikeKubernetes() {
        let image = FieldPath("spec").child("containers").index(0).child("image")
        #expect(FieldError(.required, image).description == "spec.containers[0].image: Required value")
        let label = FieldPath("metadata").child("labels").key("app")
        #expect(FieldError(.invalid(value: "a b"), label, "bad").description == #"metadata.labels[app]: Invalid value: "a b": bad"#)
        #expect(FieldError(.invalid(value: "-1"), FieldPath("spec").child("replicas")).message == "Invalid value: -1")
        let policy = FieldError(.notSupported(value: "Sometimes", supported: ["Always", "Never"]), FieldPath("spec").child("restartPolicy"))
        #expect(policy.message == #"Unsupported value: "Sometimes": supported values: "Always", "Never""#)
        #expect(policy.reason == "FieldValueNotSupported")
    }
}

@Suite struct NameValidationTests {
    @Test(arguments: ["a", "web-1", "0abc", String(repeating: "a", count: 63)])
    func acceptsLabels(_ name: String) {
        #expect(NameValidation.dns1123Label(name).isEmpty)
    }

    @Test(arguments: ["", "Web", "-a", "a-", "a.b", "a_b", String(repeating: "a", count: 64)])
    func rejectsLabels(_ name: String) {
        #expect(!NameValidation.dns1123Label(name).isEmpty)
    }

    @Test func subdomains() {
        #expect(NameValidation.dns1123Subdomain("kube-system.example.com").isEmpty)
        #expect(!NameValidation.dns1123Subdomain("a..b").isEmpty)
        #expect(!NameValidation.dns1123Subdomain("").isEmpty)
        #expect(!NameValidation.dns1123Subdomain(String(repeating: "a.", count: 127) + "a").isEmpty)
    }

    @Test func qualifiedNamesAndLabelValues() {
        #expect(NameValidation.qualifiedName("app.kubernetes.io/name").isEmpty)
        #expect(NameValidation.qualifiedName("MyName").isEmpty)
        #expect(!NameValidation.qualifiedName("/name").isEmpty)
        #expect(!NameValidation.qualifiedName("a/b/c").isEmpty)
        #expect(!NameValidation.qualifiedName("Example.com/x").isEmpty)
        #expect(!NameValidation.qualifiedName("x_").isEmpty)
        #expect(NameValidation.labelValue("").isEmpty)
        #expect(NameValidation.labelValue("v1.2_beta-3").isEmpty)
        #expect(!NameValidation.labelValue("a b").isEmpty)
    }
}
