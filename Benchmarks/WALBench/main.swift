print("WAL benchmark: not built yet")
