from django.utils.translation import gettext as _


class ImportRefused(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


def row_refused(number: int, reasons: str) -> ImportRefused:
    """The whole import refused for one row's reasons (their own last full stop dropped: the sentence goes on)."""
    return ImportRefused(
        _("Row %(row)d: %(reasons)s. Nothing was imported.") % {"row": number, "reasons": reasons.rstrip(".。")}
    )
