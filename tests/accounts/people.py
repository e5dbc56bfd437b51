"""Every kind of person a role rule must answer for: each role with and without a unit, superuser or not, and an
anonymous visitor, named like ``rectifier+unit+su`` in the tables of the role tests."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User


def person(name: str):
    """An unsaved user for a name such as ``manager``, ``rectifier+unit`` or ``volunteer+unit+su``."""
    if name == "anonymous":
        return AnonymousUser()
    role, *marks = name.split("+")
    return User(
        username=name,
        role=Role(role),
        unit_id=7 if "unit" in marks else None,
        is_superuser="su" in marks,
        is_staff=True,
    )


def read_table(text: str) -> list[tuple[str, dict[str, bool]]]:
    """Rows of a table whose first line names the columns and whose cells are X (yes) or . (no)."""
    header, *rows = [line.split() for line in text.strip().splitlines()]
    table = []
    for name, *cells in rows:
        assert len(cells) == len(header), name
        table.append((name, {column: cell == "X" for column, cell in zip(header, cells, strict=True)}))
    return table


PEOPLE = ["anonymous"] + [f"{role}{unit}{su}" for role in Role.values for unit in ("+unit", "") for su in ("", "+su")]
