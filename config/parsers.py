"""The API's JSON parser: DRF's, refusing bodies nested deeper than ``MAX_JSON_DEPTH`` with a 400.

Configured once in ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``; the token view is given the same parsers in
``config.urls``.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of this API nests deeper than about ten levels (a sync item's answers in repeat groups).
MAX_JSON_DEPTH = 64
CONTAINERS = (dict, list)


def nested_deeper_than(data, limit: int) -> bool:
    """Whether ``data`` (as json.loads returns it) holds lists or objects more than ``limit`` levels deep.

    Iterative, one flat pass per level: about half the time json.loads took to build ``data``.
    """
    level = [data] if type(data) in CONTAINERS else []
    for _depth in range(limit):
        if not level:
            return False
        level = [
            value
            for container in level
            for value in (container.values() if type(container) is dict else container)
            if type(value) in CONTAINERS
        ]
    return bool(level)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            too_deep = nested_deeper_than(data, MAX_JSON_DEPTH)
        except RecursionError:
            # json's C decoder gives up at Python's recursion limit, far below what a hostile body can nest.
            too_deep = True
        if too_deep:
            raise ParseError(
                _("The JSON body is nested more than %(limit)s levels deep; send flatter data.")
                % {"limit": MAX_JSON_DEPTH}
            )
        return data
