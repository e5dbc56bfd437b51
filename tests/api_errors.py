"""The API's error shape (config.api): {"detail", "code", …the fields at fault}. Tests of bad input look at the
fields."""

SHAPE = ("detail", "code")


def field_errors(body: dict) -> dict:
    """The messages per parameter or field of a 400, without the shape's `detail` and `code`."""
    assert isinstance(body.get("detail"), str) and isinstance(body.get("code"), str), body
    return {key: value for key, value in body.items() if key not in SHAPE}
