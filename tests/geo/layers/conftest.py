"""The layers are the inspections' (registered at start-up): their tests use the February tasks of the metrics."""

from tests.inspections.conftest import february, phase

__all__ = ["february", "phase"]
