import Objects

extension TypedResourceHandler {
    public func delete(namespace: String, name: String, options: DeleteParameters) async throws(APIStatus) -> ObjectBytes {
        let storeOptions = DeleteOptions(
            preconditionUID: options.preconditionUID.isEmpty ? nil : options.preconditionUID,
            preconditionResourceVersion: options.preconditionResourceVersion.isEmpty ? nil : options.preconditionResourceVersion,
            gracePeriodSeconds: options.gracePeriodSeconds)
        if options.dryRun { return try await get(namespace: namespace, name: name) }
        do {
            return ObjectBytes(json: try await store.delete(namespace: namespace, name: name, options: storeOptions).object.encodeJSON())
        } catch {
            throw APIStatus.from(error, kind: kind)
        }
    }

    /// Deletes every object the list selects, one by one (objects deleted meanwhile are skipped).
    public func deleteCollection(namespace: String, list: ListParameters, options: DeleteParameters) async throws(APIStatus) -> ListPage {
        var all = list
        all.limit = 0
        all.continueToken = ""
        let page = try await self.list(namespace: namespace, options: all)
        var deleted: [[UInt8]] = []
        for item in page.items {
            guard let object = try? T(json: item) else { continue }
            do {
                deleted.append(try await delete(namespace: object.metadata.namespace, name: object.metadata.name, options: options).json)
            } catch where error.code == 404 {
                continue
            }
        }
        return ListPage(items: deleted, resourceVersion: page.resourceVersion)
    }
}
