import JSON
import YAML

/// Request bodies: JSON, or one YAML document (JSON is tried first: it is what clients send).
enum ManifestText {
    enum Failure: Error, CustomStringConvertible {
        case json(JSONError)
        case yaml(YAMLError)
        case documents(Int)

        var description: String {
            switch self {
            case .json(let e): return "\(e)"
            case .yaml(let e): return "\(e)"
            case .documents(let n): return "expected one object, found \(n) YAML documents"
            }
        }
    }

    static func parse(_ bytes: [UInt8], yaml: Bool) throws(Failure) -> JSONValue {
        do { return try JSONParser.parse(bytes) } catch {
            guard yaml else { throw .json(error) }
        }
        let documents: [JSONValue]
        do { documents = try YAMLReader.parseDocuments(bytes) } catch { throw .yaml(error) }
        guard documents.count == 1, let only = documents.first else { throw .documents(documents.count) }
        return only
    }
}
