"""Chinese formats: Django's, with thousands grouped by a comma (12,345) as Chinese reports and spreadsheets write
them, and as the browser's Intl.NumberFormat writes them in the dashboard's charts (Django's own has no separator)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
