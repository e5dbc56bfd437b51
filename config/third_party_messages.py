"""Other apps' messages our zh_Hans catalogue translates: django-axes ships no Chinese catalogue, so its admin
("Access attempts", "Access logs", their columns, filters and action) read English in the Chinese admin.

Its msgids are in the same 'django' gettext domain as ours, so an entry in `locale/zh_Hans/LC_MESSAGES/django.po`
translates them. They are named here, in a module nothing imports, because `makemessages` drops an entry as obsolete
when no source of ours names its msgid. Keep them exactly as axes spells them (axes/models.py, axes/admin.py).
Not here: "Yes", "No" and "Username" (Django's own catalogue has them) and axes' "Cleaned up {count} expired access
attempts.", an f-string whose msgid changes with the count and so cannot be translated.
"""

from django.utils.translation import gettext_noop

AXES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
]
