"""The tablet's strings that count something, in every plural form of the current language.

The app fills `{n}` itself, offline, so it receives each string's forms by the CLDR plural category that
`Intl.PluralRules` gives in the browser ("one", "other"), each form taken from the catalogue with ngettext for a
number of that category. English and Chinese need no other categories; a language with more ("few", "many") would
add a sample number for each here.
"""

from django.utils.translation import ngettext

# CLDR plural category → a number of that category (in the languages the app speaks).
SAMPLES = {"one": 1, "other": 2}

PLURALS = {
    "missingAnswers": lambda n: ngettext(
        "{n} required question has no answer yet.", "{n} required questions have no answer yet.", n
    ),
    "moreOutOfRange": lambda n: ngettext(
        "{n} other answer is outside what its question accepts.",
        "{n} other answers are outside what their questions accept.",
        n,
    ),
    "nFindings": lambda n: ngettext("{n} finding", "{n} findings", n),
    "keptOnTablet": lambda n: ngettext(
        "{n} record is kept safely on this tablet. Sign in again to send it.",
        "{n} records are kept safely on this tablet. Sign in again to send them.",
        n,
    ),
    "discardItemWithPhotos": lambda n: ngettext(
        "It has not reached the server and will be lost, together with {n} photo that belongs to it.",
        "It has not reached the server and will be lost, together with {n} photos that belong to it.",
        n,
    ),
    "discardPhotoWithMoves": lambda n: ngettext(
        "It has not reached the server and will be lost, together with {n} task move that needs this photo.",
        "It has not reached the server and will be lost, together with {n} task moves that need this photo.",
        n,
    ),
    "othersHelp": lambda n: ngettext(
        "{n} record of another person waits on this tablet. It is sent when that person signs in here again.",
        "{n} records of another person wait on this tablet. They are sent when that person signs in here again.",
        n,
    ),
    "pointsLost": lambda n: ngettext("{n} point lost", "{n} points lost", n),
    "deduct": lambda n: ngettext("−{n} point", "−{n} points", n),
    "sentCount": lambda n: ngettext("{n} record sent.", "{n} records sent.", n),
    "signOutPending": lambda n: ngettext(
        "{n} record has not been sent yet. It stays on this tablet and is sent after you sign in again.",
        "{n} records have not been sent yet. They stay on this tablet and are sent after you sign in again.",
        n,
    ),
    "someRefused": lambda n: ngettext(
        "{n} record was refused: see the outbox.", "{n} records were refused: see the outbox.", n
    ),
    "submitTitle": lambda n: ngettext(
        "Submit the fix with {n} after-photo?", "Submit the fix with {n} after-photos?", n
    ),
}


def plural_texts() -> dict[str, dict[str, str]]:
    """{key: {category: template}} in the current language, for the app's `plural()`."""
    return {key: {category: text(n) for category, n in SAMPLES.items()} for key, text in PLURALS.items()}
