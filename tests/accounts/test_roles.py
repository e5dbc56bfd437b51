import pytest

from accounts import roles
from tests.accounts.people import PEOPLE, person, read_table

# A superuser is an administrator whatever role the account names; a rectifier without a unit is no unit member.
TABLE = """
                   is_admin is_manager is_inspector is_volunteer is_rectifier is_unit_member is_field_role is_verifier
anonymous          .        .          .            .            .            .              .             .
inspector+unit     .        .          X            .            .            .              X             X
inspector+unit+su  X        X          X            .            .            .              X             X
inspector          .        .          X            .            .            .              X             X
inspector+su       X        X          X            .            .            .              X             X
volunteer+unit     .        .          .            X            .            .              X             .
volunteer+unit+su  X        X          .            X            .            .              X             X
volunteer          .        .          .            X            .            .              X             .
volunteer+su       X        X          .            X            .            .              X             X
rectifier+unit     .        .          .            .            X            X              .             .
rectifier+unit+su  X        X          .            .            .            X              X             X
rectifier          .        .          .            .            X            .              .             .
rectifier+su       X        X          .            .            .            .              X             X
manager+unit       .        X          .            .            .            .              X             X
manager+unit+su    X        X          .            .            .            .              X             X
manager            .        X          .            .            .            .              X             X
manager+su         X        X          .            .            .            .              X             X
admin+unit         X        X          .            .            .            .              X             X
admin+unit+su      X        X          .            .            .            .              X             X
admin              X        X          .            .            .            .              X             X
admin+su           X        X          .            .            .            .              X             X
"""


def test_the_table_names_every_kind_of_person():
    assert sorted(name for name, _ in read_table(TABLE)) == sorted(PEOPLE)


@pytest.mark.parametrize(("name", "expected"), read_table(TABLE), ids=[name for name, _ in read_table(TABLE)])
def test_role_predicates(name, expected):
    user = person(name)
    assert {predicate: getattr(roles, predicate)(user) for predicate in expected} == expected


def test_field_roles_are_every_role_but_the_rectifiers():
    assert roles.FIELD_ROLES == {"inspector", "volunteer", "manager", "admin"}
