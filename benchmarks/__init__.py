"""The performance suite, run by `make bench` (see README.md)."""
