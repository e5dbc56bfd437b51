from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from geo.models import HotspotCategory
from inspections.models import PhaseKind
from mobile_forms.services import xlsform_import
from mobile_forms.xlsform import XLSFormError


class Command(BaseCommand):
    help = (
        "Import an XLSForm workbook (.xlsx) as a new version of a hotspot category's checklist. "
        "Features that change nothing asked (appearance, media, calculations) are dropped with a warning per row; "
        "a workbook with anything that would change the meaning is refused whole, with one line per row."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file")
        parser.add_argument("--category", required=True, help="hotspot category code, e.g. construction_site")
        parser.add_argument(
            "--phase", default="", choices=["", *PhaseKind.values], help="only for this kind of phase (default: all)"
        )
        parser.add_argument("--draft", action="store_true", help="keep it as a draft instead of publishing it")
        parser.add_argument("--user", default="", help="username recorded as the importer and publisher")

    def handle(self, *args, path, category, phase, draft, user, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        found = HotspotCategory.objects.filter(code=category).first()
        if found is None:
            codes = ", ".join(HotspotCategory.objects.values_list("code", flat=True))
            raise CommandError(
                _("No hotspot category “%(code)s”; the categories are: %(codes)s") % {"code": category, "codes": codes}
            )
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(_("No user “%(username)s”.") % {"username": user})
        try:
            with file.open("rb") as handle:
                version, created, warnings = xlsform_import(
                    source=handle,
                    category=found,
                    phase_kind=phase,
                    user=importer,
                    publish=not draft,
                    filename=file.name,
                )
        except XLSFormError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                ngettext(
                    "%(path)s was not imported: %(count)d row cannot be taken. Nothing was stored.",
                    "%(path)s was not imported: %(count)d rows cannot be taken. Nothing was stored.",
                    len(exc.problems),
                )
                % {"path": path, "count": len(exc.problems)}
            ) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for warning in warnings:
            self.stdout.write(self.style.WARNING(_("Dropped: %(warning)s") % {"warning": warning}))
        if not created:
            self.stdout.write(_("Nothing new: %(version)s already has exactly these questions.") % {"version": version})
            return
        count = len(version.questions)
        message = (
            ngettext(
                "Kept %(version)s (%(id)s) as a draft with %(count)d question; publish it in the admin.",
                "Kept %(version)s (%(id)s) as a draft with %(count)d questions; publish it in the admin.",
                count,
            )
            if draft
            else ngettext(
                "Imported and published %(version)s (%(id)s) with %(count)d question.",
                "Imported and published %(version)s (%(id)s) with %(count)d questions.",
                count,
            )
        )
        self.stdout.write(self.style.SUCCESS(message % {"version": version, "id": version.pk, "count": count}))
