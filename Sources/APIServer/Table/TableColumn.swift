/// One column of a `meta.k8s.io/v1` Table; `priority` 1 columns show only with `-o wide`.
public struct TableColumn: Equatable, Sendable {
    public var name: String
    /// `string`, `integer`, `date`, ...
    public var type: String
    /// `name` for the Name column (kubectl uses it for `-o name`-like handling), else "".
    public var format: String
    public var description: String
    public var priority: Int

    public init(_ name: String, type: String = "string", format: String = "", priority: Int = 0, description: String = "") {
        self.name = name
        self.type = type
        self.format = format
        self.priority = priority
        self.description = description.isEmpty ? name : description
    }

    static let name = TableColumn("Name", format: "name", description: "Name must be unique within a namespace.")
    static let age = TableColumn("Age", description: "CreationTimestamp: when the object was created.")
    static let containers = TableColumn("Containers", priority: 1, description: "Names of each container in the template.")
    static let images = TableColumn("Images", priority: 1, description: "Images referenced by each container in the template.")
    static let selector = TableColumn("Selector", priority: 1, description: "The label selector of the object.")
}
