print("Wire benchmark: not built yet")
