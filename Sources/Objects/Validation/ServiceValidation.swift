extension Service: ValidatedObject {
    /// Metadata (name a DNS label), type, ports (required unless ExternalName or headless; range,
    /// names unique and required when several), session affinity, selector labels.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind, names: .label)
        let path = FieldPath("spec")
        let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
        Check.oneOf(spec.type, types, path.child("type"), into: &errors)
        let headless = spec.clusterIP == "None"
        if spec.type == "ExternalName" {
            if spec.externalName.isEmpty { errors.append(FieldError(.required, path.child("externalName"))) }
        } else if spec.ports.isEmpty, !headless {
            errors.append(FieldError(.required, path.child("ports")))
        }
        if headless, spec.type != "ClusterIP", spec.type != "" {
            errors.append(FieldError(.invalid(value: "None"), path.child("clusterIP"), "may only be set to 'None' for ClusterIP services"))
        }
        var names: Set<String> = []
        var portProtocols: Set<String> = []
        for (i, port) in spec.ports.enumerated() {
            let p = path.child("ports").index(i)
            if spec.ports.count > 1 || !port.name.isEmpty {
                Check.dnsLabel(port.name, p.child("name"), into: &errors)
            }
            if !port.name.isEmpty, !names.insert(port.name).inserted {
                errors.append(FieldError(.duplicate(value: port.name), p.child("name")))
            }
            Check.port(port.port, p.child("port"), into: &errors)
            Check.oneOf(port.protocol, Check.supportedProtocols, p.child("protocol"), into: &errors)
            if !portProtocols.insert("\(port.port)/\(port.protocol)").inserted {
                errors.append(FieldError(.duplicate(value: "\(port.port)/\(port.protocol)"), p))
            }
            if let target = port.targetPort { errors += Probe.validate(port: target, at: p.child("targetPort")) }
            if port.nodePort != 0 {
                Check.port(port.nodePort, p.child("nodePort"), into: &errors)
                if spec.type == "ClusterIP" {
                    errors.append(FieldError(.forbidden, p.child("nodePort"), "may not be used when `type` is 'ClusterIP'"))
                }
            }
        }
        Check.oneOf(spec.sessionAffinity, ["ClientIP", "None"], path.child("sessionAffinity"), required: false, into: &errors)
        Check.labels(spec.selector, path.child("selector"), into: &errors)
        return errors
    }

    /// ``validate()`` plus metadata immutables; a set clusterIP may not change.
    public func validateUpdate(from old: Service) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        if !old.spec.clusterIP.isEmpty, spec.type != "ExternalName", old.spec.type != "ExternalName" {
            Check.immutable(spec.clusterIP, old.spec.clusterIP, FieldPath("spec").child("clusterIP"), shown: spec.clusterIP, into: &errors)
        }
        return errors
    }
}

/// Key checks shared by ConfigMap and Secret.
enum ConfigKeys {
    /// `a valid config key must consist of alphanumeric characters, '-', '_' or '.'`, at most
    /// 253 bytes, and not `.`, `..` or starting with `..`.
    static func validate(_ keys: [String], _ path: FieldPath, into errors: inout FieldErrors) {
        for key in keys.sorted() {
            var problems: [String] = []
            if key.utf8.count > 253 { problems.append("must be no more than 253 characters") }
            let allowed = key.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                    || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
            }
            if key.isEmpty || !allowed {
                problems.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
            }
            if key == "." { problems.append("must not be '.'") }
            if key == ".." { problems.append("must not be '..'") } else if key.hasPrefix("..") { problems.append("must not start with '..'") }
            if !problems.isEmpty {
                errors.append(FieldError(.invalid(value: key), path.key(key), problems.joined(separator: "; ")))
            }
        }
    }

    /// The immutable-object rule: once `immutable` is true, data and the flag may not change.
    static func validateImmutable(newFlag: Bool?, oldFlag: Bool?, dataChanged: Bool, dataFields: [String],
                                  into errors: inout FieldErrors) {
        guard oldFlag == true else { return }
        if newFlag != true {
            errors.append(FieldError(.forbidden, FieldPath("immutable"), "field is immutable when `immutable` is set"))
        }
        if dataChanged {
            for field in dataFields {
                errors.append(FieldError(.forbidden, FieldPath(field), "field is immutable when `immutable` is set"))
            }
        }
    }
}

extension ConfigMap: ValidatedObject {
    /// Metadata, key syntax in data and binaryData, no key in both, at most 1 MiB of data.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        ConfigKeys.validate(Array(data.keys), FieldPath("data"), into: &errors)
        ConfigKeys.validate(Array(binaryData.keys), FieldPath("binaryData"), into: &errors)
        for key in binaryData.keys.sorted() where data[key] != nil {
            errors.append(FieldError(.invalid(value: key), FieldPath("data").key(key), "duplicate of key present in binaryData"))
        }
        let size = data.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            + binaryData.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count * 3 / 4 }
        if size > 1 << 20 { errors.append(FieldError(.tooLong(maxLength: 1 << 20), FieldPath("data"))) }
        return errors
    }

    /// ``validate()`` plus metadata immutables and the `immutable: true` rule.
    public func validateUpdate(from old: ConfigMap) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        ConfigKeys.validateImmutable(newFlag: immutable, oldFlag: old.immutable,
                                     dataChanged: data != old.data || binaryData != old.binaryData,
                                     dataFields: data != old.data ? ["data"] : ["binaryData"], into: &errors)
        return errors
    }
}

extension Secret: ValidatedObject {
    /// Metadata, key syntax, base64 data, at most 1 MiB, and the keys each well-known type needs.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        ConfigKeys.validate(Array(data.keys), FieldPath("data"), into: &errors)
        ConfigKeys.validate(Array(stringData.keys), FieldPath("stringData"), into: &errors)
        var size = 0
        for key in data.keys.sorted() {
            let value = data[key] ?? ""
            if !Self.isBase64(value) {
                errors.append(FieldError(.invalid(value: "<secret contents redacted>"), FieldPath("data").key(key), "illegal base64 data"))
            }
            size += value.utf8.count * 3 / 4
        }
        size += stringData.values.reduce(0) { $0 + $1.utf8.count }
        if size > 1 << 20 { errors.append(FieldError(.tooLong(maxLength: 1 << 20), FieldPath("data"))) }
        let keys = Set(data.keys).union(stringData.keys)
        func require(_ key: String) {
            if !keys.contains(key) { errors.append(FieldError(.required, FieldPath("data").key(key))) }
        }
        switch type {
        case "kubernetes.io/tls": require("tls.crt"); require("tls.key")
        case "kubernetes.io/dockerconfigjson": require(".dockerconfigjson")
        case "kubernetes.io/dockercfg": require(".dockercfg")
        case "kubernetes.io/ssh-auth": require("ssh-privatekey")
        case "kubernetes.io/service-account-token":
            if (metadata.annotations["kubernetes.io/service-account.name"] ?? "").isEmpty {
                errors.append(FieldError(.required, FieldPath("metadata").child("annotations").key("kubernetes.io/service-account.name")))
            }
        default: break
        }
        return errors
    }

    /// ``validate()`` plus metadata immutables, an immutable type, and the `immutable: true` rule.
    public func validateUpdate(from old: Secret) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        if !old.type.isEmpty { Check.immutable(type, old.type, FieldPath("type"), shown: type, into: &errors) }
        ConfigKeys.validateImmutable(newFlag: immutable, oldFlag: old.immutable,
                                     dataChanged: data != old.data || !stringData.isEmpty,
                                     dataFields: ["data"], into: &errors)
        return errors
    }

    /// Standard base64 with padding (what Go's `[]byte` JSON decoding accepts).
    static func isBase64(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count % 4 == 0 else { return false }
        var padding = 0
        for (i, c) in bytes.enumerated() {
            let isAlphabet = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "/")
            if c == UInt8(ascii: "=") {
                padding += 1
                if i < bytes.count - 2 { return false }
            } else if !isAlphabet || padding > 0 {
                return false
            }
        }
        return padding <= 2
    }
}
