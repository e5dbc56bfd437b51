"""Remove the layer exports past EXPORT_KEEP_DAYS (what the hourly ``geo.expire_exports`` job does with a broker)."""

from django.core.management.base import BaseCommand

from geo.exports.expiry import exports_expire


class Command(BaseCommand):
    help = "Remove the files of layer exports older than EXPORT_KEEP_DAYS and mark them expired."

    def handle(self, *args, **options):
        self.stdout.write(f"expired {exports_expire()} exports")
