/// The command line of `tern get|apply|create|delete|describe|scale|label`, parsed the way kubectl
/// accepts it: `-n NS`, `-nNS`, `-n=NS`, `--namespace NS`, `--namespace=NS`; `-f` may repeat.
struct KubeOptions: Equatable {
    var namespace: String?
    var allNamespaces = false
    var labelSelector: String?
    var fieldSelector: String?
    var output: String?
    var files: [String] = []
    var server: String?
    var token: String?
    var config: String?
    var replicas: String?
    var patch: String?
    var patchType: String?
    var overwrite = false
    var showLabels = false
    var showManagedFields = false
    var watch = false
    var watchOnly = false
    var deleteAll = false
    /// `-L key1,key2` (may repeat): label values shown as extra columns.
    var labelColumns: [String] = []
    var forceConflicts = false
    var help = false
    /// Everything that is not an option, in order.
    var positional: [String] = []

    /// The namespace for namespaced requests: `-n`, else `default`.
    var effectiveNamespace: String { namespace ?? "default" }

    private static let valueOptionNames: Set<String> = [
        "n", "namespace", "l", "selector", "field-selector", "o", "output", "server", "s", "token", "config", "replicas",
        "f", "filename", "L", "label-columns", "p", "patch", "type",
    ]

    private mutating func set(_ name: String, _ value: String) {
        switch name {
        case "n", "namespace": namespace = value
        case "l", "selector": labelSelector = value
        case "field-selector": fieldSelector = value
        case "o", "output": output = value
        case "server", "s": server = value
        case "token": token = value
        case "config": config = value
        case "replicas": replicas = value
        case "p", "patch": patch = value
        case "type": patchType = value
        case "L", "label-columns": labelColumns += value.split(separator: ",").map(String.init)
        default: files.append(value)
        }
    }

    /// Sets a switch; false when `name` is not one.
    private mutating func setSwitch(_ name: String, _ on: Bool) -> Bool {
        switch name {
        case "A", "all-namespaces": allNamespaces = on
        case "overwrite": overwrite = on
        case "show-labels": showLabels = on
        case "show-managed-fields": showManagedFields = on
        case "w", "watch": watch = on
        case "watch-only": watchOnly = on
        case "all": deleteAll = on
        case "server-side": break  // apply is always server-side; accepted for kubectl muscle memory
        case "force-conflicts": forceConflicts = on
        case "h", "help": help = on
        default: return false
        }
        return true
    }

    /// Parses `args` (the words after the subcommand).
    /// - Throws: ``KubeError/usage(_:)`` for an unknown option or a missing value.
    init(parsing args: [String]) throws(KubeError) {
        var i = 0
        while i < args.count {
            let word = args[i]
            i += 1
            if word == "--" {
                positional += args[i...]
                break
            }
            guard word.hasPrefix("-"), word != "-" else {
                positional.append(word)
                continue
            }
            var name: String
            var inlineValue: String?
            if word.hasPrefix("--") {
                name = String(word.dropFirst(2))
                if let eq = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
            } else {
                // -n NS, -nNS, -n=NS, and grouped switches are not supported beyond one letter.
                name = String(word.dropFirst().prefix(1))
                let rest = word.dropFirst(2)
                if !rest.isEmpty { inlineValue = String(rest.hasPrefix("=") ? rest.dropFirst() : rest) }
            }
            if !Self.valueOptionNames.contains(name) {
                let on = inlineValue.map { Bool($0) } ?? true
                guard let on else { throw .usage("\(word): expected true or false") }
                if setSwitch(name, on) { continue }
                throw .usage("unknown option \(word)")
            }
            guard Self.valueOptionNames.contains(name) else {
                throw .usage("unknown option \(word)")
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard i < args.count else { throw .usage("option \(word) needs a value") }
                value = args[i]
                i += 1
            }
            set(name, value)
        }
    }
}
