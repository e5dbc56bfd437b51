"""The two formats of GeoReport v2, named by the path's suffix (`requests.json`, `requests.xml`).

The XML has the specification's element names: a root (``services``, ``service_requests``, ``errors`` …) holding
one element per item (``service``, ``request``, ``error`` …); a nested list (a definition's attributes, an
attribute's values) is written the same way, its items named by ``XML_ITEMS``.
"""

from xml.etree import ElementTree

from rest_framework.renderers import BaseRenderer, JSONRenderer

XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


class FormatConverter:
    """`<open311_format:format>`: json or xml."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class Open311JSONRenderer(JSONRenderer):
    charset = "utf-8"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ElementTree.Element, name: str, value) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list):
        item = XML_ITEMS.get(name, "item")
        for inner in value:
            _append(element, item, inner)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ElementTree.Element(root)
    if isinstance(data, dict):
        for key, value in data.items():
            _append(element, key, value)
    else:
        item = XML_ITEMS.get(root, "item")
        for value in data or []:
            _append(element, item, value)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


class Open311XMLRenderer(BaseRenderer):
    """The view names the root element (``xml_root``); an error answer's root is ``errors``."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        view = renderer_context.get("view")
        if response is not None and response.status_code >= 400:
            root = "errors"
        else:
            root = getattr(view, "xml_root", "response")
        return to_xml(root, data)
