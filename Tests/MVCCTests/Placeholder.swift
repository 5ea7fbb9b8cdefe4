// Tests for the MVCC module.
