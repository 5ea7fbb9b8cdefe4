// The `tern` command: argument parsing and wiring only.
#if canImport(Glibc)
import Glibc
#endif

let usage = """
    usage: tern <command> [options]

      up       [--config cluster.conf]               start every member of cluster.conf on this machine
      server   --name NAME [--config cluster.conf]   run one control-plane member
               [--log-level debug|info|warning|error] [--restore SNAPSHOT-FILE]
               [--join]   join a running cluster (after tern kv member add) instead of bootstrapping
      kv       put|get|del|watch|txn|lease|compact|member|status|endpoints ...
               an etcdctl-style client of the store (tern kv --help)
      get|apply|create|replace|patch|delete|describe|scale|label|annotate ...
               a kubectl-style client of the Kubernetes API (tern get --help)
      version  print the version

    The cluster file defaults to ./cluster.conf. README.md says what works today.
    """

var arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.isEmpty ? "" : arguments.removeFirst()
switch command {
case "version", "--version":
    print("tern 0.1.0-dev")
case "server":
    exit(ServerCommand.run(arguments))
case "up":
    exit(UpCommand.run(arguments))
case "kv":
    exit(KVCommand.run(arguments))
case _ where KubeCommand.verbs.contains(command):
    exit(KubeCommand.run(command, arguments))
case "help", "--help", "-h":
    print(usage)
default:
    Console.error(usage)
    exit(2)
}
