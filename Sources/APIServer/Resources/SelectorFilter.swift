import Objects

/// The label and field selectors of a list or watch as one predicate over objects.
struct SelectorFilter<T: APIObject> {
    /// nil when both selectors are empty (everything matches).
    let predicate: (@Sendable (T) -> Bool)?

    init(label: String, field: String) throws(APIStatus) {
        guard label.isEmpty && field.isEmpty else {
            throw APIStatus.badRequest("selectors are being built: labelSelector and fieldSelector are not supported yet")
        }
        predicate = nil
    }
}
