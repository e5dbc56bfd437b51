"""Posting the admin's add and change forms as a browser would: the fields as the page shows them, some changed."""

from django import forms
from django.contrib.gis.geos import GEOSGeometry


def as_posted(value):
    if value is None:
        return ""
    if isinstance(value, GEOSGeometry):
        return value.ewkt
    if isinstance(value, list | tuple):
        return [getattr(item, "pk", item) for item in value]
    return getattr(value, "pk", value)


def admin_post(client, url: str, **changes):
    """POST the form at `url` with its current values and `changes`; the answer's form errors as a dict."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = changes.pop(name) if name in changes else form.initial.get(name, field.initial)
        if value is False:
            continue
        if isinstance(field.widget, forms.MultiWidget):
            parts = field.widget.decompress(value)
            data.update(
                {name + suffix: as_posted(part) for suffix, part in zip(field.widget.widgets_names, parts, strict=True)}
            )
            continue
        data[name] = "on" if value is True else as_posted(value)
    data.update({name: as_posted(value) for name, value in changes.items()})
    response = client.post(url, data)
    if response.status_code == 302:
        return {}
    assert response.status_code == 200, response.status_code
    errors = dict(response.context["adminform"].form.errors)
    assert errors, "the form was refused without saying why"
    return errors
