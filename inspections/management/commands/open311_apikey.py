from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from geo.models import Jurisdiction
from inspections.evidence.public_reports import reporting_client_create


class Command(BaseCommand):
    help = (
        "Create an Open311 client with a new API key and print the key (it is shown only this once: only its hash "
        "is stored). The client's reports are recorded by a volunteer account of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The client's name, e.g. the 随手拍 app's.")
        parser.add_argument(
            "--jurisdiction", help="The code of the jurisdiction it reports in (default: the district)."
        )

    def handle(self, *args, name, jurisdiction, **options):
        area = None
        if jurisdiction:
            area = Jurisdiction.objects.filter(code=jurisdiction).first()
            if area is None:
                raise CommandError(_("No jurisdiction has the code %(code)s.") % {"code": jurisdiction})
        try:
            _client, key = reporting_client_create(name=name, jurisdiction=area)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(key)
