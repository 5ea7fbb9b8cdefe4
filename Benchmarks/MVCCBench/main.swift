print("MVCC benchmark: not built yet")
