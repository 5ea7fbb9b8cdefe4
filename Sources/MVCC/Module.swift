// The MVCC module. Its files arrive with its issue; see docs/architecture.md.
