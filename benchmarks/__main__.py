"""`python -m benchmarks`: the performance suite (see benchmarks/README.md)."""

import sys

from benchmarks.harness import main

if __name__ == "__main__":
    sys.exit(main())
