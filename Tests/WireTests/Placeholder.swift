// Tests for the Wire module.
