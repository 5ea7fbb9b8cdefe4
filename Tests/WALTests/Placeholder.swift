// Tests for the WAL module.
