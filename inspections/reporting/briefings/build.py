"""Building a briefing's files, recording its progress, its files or its failure on the Briefing record.

Reporting reads the evidence and never changes it; the one row it writes is the briefing's own record. The files
are written to temporary files first and then handed to the storage, so memory holds one photo at a time plus the
small JPEGs the documents keep (see ``docx`` and ``xlsx``).
"""

from __future__ import annotations

import io
import logging
import tempfile

from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from inspections.models import Briefing, BriefingStatus
from inspections.reporting.briefings.content import BriefingContent, briefing_content, phase_findings
from inspections.reporting.briefings.docx import write_docx
from inspections.reporting.briefings.map_image import map_data, render_map
from inspections.reporting.briefings.xlsx import write_xlsx
from inspections.reporting.metrics import Period

logger = logging.getLogger(__name__)
ERROR_MAX_CHARS = 2000
# Progress (%) at the start of each step; the photos of each file fill the span up to the next.
CONTENT, MAP, DOCX, XLSX, STORE = 5, 15, 25, 65, 95


class BriefingError(Exception):
    """A briefing cannot be built, for a reason its requester can act on."""


def briefing_viewer(briefing: Briefing) -> User:
    """Whose view of the data the briefing shows: its requester, or for a scheduled one a manager of its scope."""
    if briefing.requested_by_id is not None:
        return briefing.requested_by
    people = User.objects.filter(is_active=True).order_by("pk")
    if briefing.scope_id is None:
        viewer = people.filter(role=Role.ADMIN).first() or people.filter(is_superuser=True).first()
    else:
        viewer = people.filter(role=Role.MANAGER, jurisdiction_id=briefing.scope_id).first()
    if viewer is None:
        raise BriefingError(_("No active manager oversees this area, so nobody's view of it can be briefed."))
    return viewer


class _Recorder:
    """Writes the progress to the record when its whole percentage changes (a poll reads it meanwhile)."""

    def __init__(self, briefing: Briefing):
        self.briefing = briefing
        self.percent = -1

    def step(self, percent: int, step: str) -> None:
        self.percent = percent
        Briefing.objects.filter(pk=self.briefing.pk).update(progress=percent, step=step[:120])

    def within(self, start: int, end: int, step: str):
        def progress(done: int, total: int) -> None:
            percent = start + (end - start) * done // max(total, 1)
            if percent != self.percent:
                self.step(percent, step)

        return progress


def briefing_build(briefing_id: int) -> Briefing:
    """Build the briefing if it is still waiting (another worker may have taken it); record the outcome."""
    claimed = Briefing.objects.filter(pk=briefing_id, status=BriefingStatus.PENDING).update(
        status=BriefingStatus.RUNNING, progress=0, error=""
    )
    briefing = Briefing.objects.select_related("requested_by", "scope", "phase__campaign").get(pk=briefing_id)
    if not claimed:
        return briefing
    recorder = _Recorder(briefing)
    try:
        with translation.override(briefing.language):
            _build(briefing, recorder)
    except Exception as error:  # any failure is recorded on the briefing for the person who asked
        logger.exception("Briefing %s failed", briefing.pk)
        message = str(error) if isinstance(error, BriefingError) else f"{type(error).__name__}: {error}"
        Briefing.objects.filter(pk=briefing.pk).update(
            status=BriefingStatus.FAILED, error=message[:ERROR_MAX_CHARS], finished_at=timezone.now()
        )
    briefing.refresh_from_db()
    return briefing


def _build(briefing: Briefing, recorder: _Recorder) -> None:
    viewer = briefing_viewer(briefing)
    period = Period(briefing.period_start, briefing.period_end)
    recorder.step(CONTENT, _("Reading the figures"))
    content = briefing_content(viewer=viewer, scope=briefing.scope, phase=briefing.phase, period=period)
    recorder.step(MAP, _("Drawing the map"))
    map_png = briefing_map(content, viewer=viewer, briefing=briefing)
    stamp = f"{briefing.period_start:%Y%m%d}-{briefing.period_end:%Y%m%d}-{briefing.pk}"
    with tempfile.TemporaryFile() as docx_file, tempfile.TemporaryFile() as xlsx_file:
        recorder.step(DOCX, _("Writing the Word document"))
        write_docx(content, docx_file, map_png=map_png, progress=recorder.within(DOCX, XLSX, _("Adding photos")))
        map_png.seek(0)
        recorder.step(XLSX, _("Writing the workbook"))
        write_xlsx(content, xlsx_file, map_png=map_png, progress=recorder.within(XLSX, STORE, _("Adding photos")))
        recorder.step(STORE, _("Storing the files"))
        docx_file.seek(0)
        xlsx_file.seek(0)
        briefing.docx.save(f"briefing-{stamp}.docx", File(docx_file), save=False)
        briefing.xlsx.save(f"briefing-{stamp}.xlsx", File(xlsx_file), save=False)
    Briefing.objects.filter(pk=briefing.pk).update(
        docx=briefing.docx.name,
        xlsx=briefing.xlsx.name,
        status=BriefingStatus.DONE,
        progress=100,
        step="",
        finished_at=timezone.now(),
    )


def briefing_map(content: BriefingContent, *, viewer, briefing: Briefing) -> io.BytesIO:
    findings = phase_findings(viewer, briefing.scope, briefing.phase, content.period)
    scores = {row.key: row.score for row in content.communities}
    png = io.BytesIO()
    render_map(map_data(scope=briefing.scope, findings=findings, scores=scores), png, title=str(content.phase))
    png.seek(0)
    return png
