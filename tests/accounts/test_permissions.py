import pytest

from accounts import permissions
from tests.accounts.people import PEOPLE, person, read_table

TABLE = """
                     can_route_point  can_view_map  can_edit_places
anonymous            .                .             .
inspector+unit       X                X             .
inspector+unit+su    X                X             X
inspector            X                X             .
inspector+su         X                X             X
volunteer+unit       X                X             .
volunteer+unit+su    X                X             X
volunteer            X                X             .
volunteer+su         X                X             X
rectifier+unit       .                X             .
rectifier+unit+su    X                X             X
rectifier            .                X             .
rectifier+su         X                X             X
manager+unit         X                X             X
manager+unit+su      X                X             X
manager              X                X             X
manager+su           X                X             X
admin+unit           X                X             X
admin+unit+su        X                X             X
admin                X                X             X
admin+su             X                X             X
"""


def test_the_table_names_every_kind_of_person():
    assert sorted(name for name, _ in read_table(TABLE)) == sorted(PEOPLE)


@pytest.mark.parametrize(("name", "expected"), read_table(TABLE), ids=[name for name, _ in read_table(TABLE)])
def test_place_and_map_predicates(name, expected):
    user = person(name)
    assert {predicate: getattr(permissions, predicate)(user) for predicate in expected} == expected
