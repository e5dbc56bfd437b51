"""Places named in words (Open311's ``address_string`` and ``address_id``), found in the district's own hotspot
register, which serves as its gazetteer. There is no outside geocoder: a district's network may have no internet,
and an address the register does not know is refused (the client can send lat and long) rather than guessed.

An ``address_id`` is a hotspot's external id (the id of the district's own system, kept by the GIS import) or our
id. An ``address_string`` names a hotspot by its address or its name: the same text (ignoring case, spaces and
punctuation) first; failing that, the one hotspot whose address or name the text contains, or which contains the
text, the longest such match winning. Two places equally good are ambiguous, and refused."""

import re
import unicodedata

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from geo.models import Hotspot, Jurisdiction

MIN_MATCH = 4  # characters: shorter names and texts ("东门", "菜场") would name too many places


class AddressNotPlaced(Exception):
    """The address names no place of the register, or more than one: the message says which, for the client."""


def _normalized(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).casefold()


def _within(root: Jurisdiction | None) -> QuerySet[Hotspot]:
    hotspots = Hotspot.objects.filter(active=True)
    return hotspots.filter(root.subtree_q("jurisdiction__")) if root is not None else hotspots


def hotspot_for_address_id(address_id: str, *, root: Jurisdiction | None = None) -> Hotspot:
    """The hotspot ``address_id`` names (its external id, else our id) inside ``root``'s subtree."""
    address_id = address_id.strip()
    hotspots = _within(root)
    found = hotspots.filter(external_id=address_id).first() if address_id else None
    if found is None and address_id.isascii() and address_id.isdigit() and len(address_id) < 19:
        found = hotspots.filter(pk=int(address_id)).first()
    if found is None:
        raise AddressNotPlaced(
            _("No place of the district has the address_id “%(value)s”: send lat and long.") % {"value": address_id}
        )
    return found


def hotspot_for_address(text: str, *, root: Jurisdiction | None = None) -> Hotspot:
    """The one hotspot ``text`` names inside ``root``'s subtree (see the module's rules)."""
    wanted = _normalized(text)
    if len(wanted) < MIN_MATCH:
        raise AddressNotPlaced(
            _("The address “%(value)s” is too short to place: send lat and long.") % {"value": text.strip()}
        )
    stripped = text.strip()
    # Scored in Python over the register's names and addresses (a district's few thousand; read in chunks):
    # the rules ignore spaces and punctuation, which no portable SQL comparison does.
    scored: dict[int, int] = {}
    for pk, name, address in _within(root).values_list("pk", "name", "address").iterator(chunk_size=2000):
        score = max(_score(wanted, _normalized(address)), _score(wanted, _normalized(name)))
        if score:
            scored[pk] = score
    if not scored:
        raise AddressNotPlaced(
            _("No place of the district has the address “%(value)s”: send lat and long.") % {"value": stripped}
        )
    best = max(scored.values())
    winners = [pk for pk, score in scored.items() if score == best]
    if len(winners) > 1:
        raise AddressNotPlaced(
            _("The address “%(value)s” names %(count)s places: send lat and long, or a fuller address.")
            % {"value": stripped, "count": len(winners)}
        )
    return Hotspot.objects.get(pk=winners[0])


def _score(wanted: str, known: str) -> int:
    """How well a hotspot's address or name matches: an equal text beats any containment; a longer shared text
    beats a shorter one; 0 for no match."""
    if len(known) < MIN_MATCH:
        return 0
    if known == wanted:
        return 10_000
    if known in wanted or wanted in known:
        return min(len(known), len(wanted))
    return 0
