print("Raft benchmark: not built yet")
