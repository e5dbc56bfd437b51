import pytest

from inspections import permissions
from tests.accounts.people import PEOPLE, person, read_table

TABLE = """
                     can_submit_inspection  can_view_inspections  can_view_metrics  can_view_tasks
anonymous            .                      .                     .                 .
inspector+unit       X                      X                     X                 X
inspector+unit+su    X                      X                     X                 X
inspector            X                      X                     X                 X
inspector+su         X                      X                     X                 X
volunteer+unit       X                      X                     .                 .
volunteer+unit+su    X                      X                     X                 X
volunteer            X                      X                     .                 .
volunteer+su         X                      X                     X                 X
rectifier+unit       .                      .                     X                 X
rectifier+unit+su    X                      X                     X                 X
rectifier            .                      .                     .                 X
rectifier+su         X                      X                     X                 X
manager+unit         X                      X                     X                 X
manager+unit+su      X                      X                     X                 X
manager              X                      X                     X                 X
manager+su           X                      X                     X                 X
admin+unit           X                      X                     X                 X
admin+unit+su        X                      X                     X                 X
admin                X                      X                     X                 X
admin+su             X                      X                     X                 X
"""


def test_the_table_names_every_kind_of_person():
    assert sorted(name for name, _ in read_table(TABLE)) == sorted(PEOPLE)


@pytest.mark.parametrize(("name", "expected"), read_table(TABLE), ids=[name for name, _ in read_table(TABLE)])
def test_predicates_of_a_person(name, expected):
    """Who records and reviews inspections, sees metrics and opens the task pages (a rectifier without a unit
    opens them and finds nothing)."""
    user = person(name)
    assert {predicate: getattr(permissions, predicate)(user) for predicate in expected} == expected
