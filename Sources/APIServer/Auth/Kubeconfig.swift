/// The kubeconfig `tern up` writes, so that `KUBECONFIG=<data-dir>/kubeconfig kubectl get nodes` works.
public enum Kubeconfig {
    /// A kubeconfig with one cluster (`server` is `http://host:port`), one user (a bearer token, or
    /// none for anonymous loopback access) and one current context.
    public static func text(clusterName: String, server: String, token: String?) -> String {
        var user = "- name: \(clusterName)-admin\n  user:"
        if let token { user += "\n    token: \"\(token)\"" } else { user += " {}" }
        return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(clusterName)
          cluster:
            server: \(server)
        users:
        \(user)
        contexts:
        - name: \(clusterName)
          context:
            cluster: \(clusterName)
            user: \(clusterName)-admin
            namespace: default
        current-context: \(clusterName)

        """
    }
}
