"""Import hotspots, jurisdictions or units' service areas from a GIS file: the preview first, then (unless
--dry-run) the import in one transaction, with a progress bar. --bulk takes very large hotspot files (hundreds of
thousands of features) on PostGIS through the COPY path instead, with no preview: an administrator's tool."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from accounts.roles import is_admin
from geo.io import ImportRefused, import_apply, import_preview
from geo.io.bulk import bulk_import_hotspots
from geo.io.targets import TARGETS
from geo.management.progress import ProgressBar


class Command(BaseCommand):
    help = "Import places from GeoPackage, zipped Shapefile, GeoJSON, KML/KMZ or CSV."

    def add_arguments(self, parser):
        parser.add_argument("target", choices=sorted(TARGETS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--crs", default="", help="The file's CRS when it names none (e.g. EPSG:4548).")
        parser.add_argument("--user", default="", help="Import as this user (their scope); default: any admin.")
        parser.add_argument("--category", default="", help="Hotspots: the category of rows that name none.")
        parser.add_argument("--column", action="append", default=[], help="field=column, repeatable.")
        parser.add_argument("--dry-run", action="store_true", help="Show the preview only.")
        parser.add_argument("--skip-refused", action="store_true", help="Import the others when rows are refused.")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="Hotspots on PostGIS, all of --category: the COPY path for very large files (no preview).",
        )

    def handle(self, *args, target, file, crs, user, category, column, dry_run, skip_refused, bulk, **options):
        person = self._user(user)
        if any("=" not in item for item in column):
            raise CommandError("--column takes field=column (e.g. name=点位名称).")
        columns = dict(item.split("=", 1) for item in column)
        if bulk:
            self._bulk(target, file, crs, person, category, columns, dry_run, skip_refused)
            return
        try:
            plan = import_preview(
                path=file,
                name=file.name,
                target=target,
                user=person,
                crs=crs,
                columns=columns,
                defaults={"category": category},
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{plan.count} features ({plan.format}, {plan.crs})")
        for column_name, field in plan.mapping_labels():
            self.stdout.write(f"  {column_name} → {field}")
        self.stdout.write(f"create {plan.creates}, update {plan.updates}, refuse {plan.refusals}")
        for row in plan.repairs:
            self.stdout.write(f"  row {row.number}: repaired ({row.repaired})")
        for row in plan.of("refuse"):
            self.stdout.write(f"  row {row.number}: refused: {'; '.join(row.reasons)}")
        if dry_run:
            return
        try:
            result = import_apply(plan=plan, skip_refused=skip_refused, progress=ProgressBar(self.stdout, "importing"))
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"created {result.created}, updated {result.updated}"))

    def _bulk(self, target, file, crs, person, category, columns, dry_run, skip_refused) -> None:
        if target != "hotspots" or connection.vendor != "postgresql":
            raise CommandError("--bulk imports hotspots into PostGIS only.")
        if dry_run or not category:
            raise CommandError("--bulk has no dry run and needs --category (every row gets it).")
        if not is_admin(person):
            raise CommandError("--bulk checks no one's area: import as an administrator.")
        try:
            result = bulk_import_hotspots(
                path=file,
                category=category,
                crs=crs,
                columns=columns,
                skip_refused=skip_refused,
                progress=ProgressBar(self.stdout, "importing"),
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        for number, reason in result.repaired:
            self.stdout.write(f"  row {number}: repaired ({reason})")
        for number, reason in result.refused:
            self.stdout.write(f"  row {number}: refused: {reason}")
        self.stdout.write(
            self.style.SUCCESS(f"created {result.created}, updated {result.updated}, refused {len(result.refused)}")
        )

    def _user(self, username: str):
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"No user {username}.") from None
        from accounts.models import Role

        person = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        if person is None:
            raise CommandError("No administrator to import as: give --user.")
        return person
