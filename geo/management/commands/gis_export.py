"""Export a map layer (as a user sees it, through the map's filters) to a GIS file or an XLSX ledger."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from geo.layers import LayerFilterError, LayerNotFound, get_layer
from geo.layers.export import FORMATS, export_file
from geo.management.progress import ProgressBar


class Command(BaseCommand):
    help = "Export a layer (jurisdictions, hotspots, findings, tasks) to gpkg, shp, geojson, kml, csv or xlsx."

    def add_arguments(self, parser):
        parser.add_argument("layer")
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=sorted(FORMATS), default="", help="Default: from the file name.")
        parser.add_argument("--user", default="", help="Export as this user (their scope); default: any admin.")
        parser.add_argument("--filter", action="append", default=[], help="name=value, as on the map; repeatable.")

    def handle(self, *args, layer, file, format, user, filter, **options):
        try:
            found = get_layer(layer)
        except LayerNotFound:
            raise CommandError(f"No layer {layer}.") from None
        format_name = format or {"zip": "shp"}.get(file.suffix[1:], file.suffix[1:])
        if format_name not in FORMATS:
            raise CommandError(f"Unknown format {format_name}: give --format.")
        if user:
            person = User.objects.filter(username=user).first()
        else:
            person = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        if person is None:
            raise CommandError("No such user: give --user.")
        try:
            rows = found.queryset(person, dict(item.split("=", 1) for item in filter))
        except LayerFilterError as exc:
            raise CommandError(str(exc.errors)) from None
        bar = ProgressBar(self.stdout, "exporting", total=rows.count())
        export_file(found, rows, format_name, file, progress=bar)
        self.stdout.write(self.style.SUCCESS(f"wrote {file}"))
