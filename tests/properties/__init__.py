"""Property-based tests of every parser and decoder that reads outside input."""
