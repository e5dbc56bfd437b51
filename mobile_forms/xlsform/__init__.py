"""Reading (and writing) checklists as XLSForm workbooks, the ODK / KoboToolbox format.

Modules: `workbook` (the subset's words, types and problems), `reading`, `writing`.

The supported subset — anything else is refused, with one message per row naming the sheet, the row and what it
cannot take; nothing is imported from a workbook with a problem:

survey sheet
    ``type``: ``select_one <list>``, ``select_multiple <list>``, ``integer``, ``decimal``, ``text``, ``date``,
    ``image`` (a photo), ``geopoint``, ``note``. A ``select_one`` whose list has exactly the values ``yes`` and
    ``no`` is a yes/no question (answered true/false; "no" is the failing answer). ``acknowledge`` is refused: it
    has a single "OK" and no "no". Metadata rows (``start``, ``end``, ``today``, ``deviceid``, ``username`` …) are
    skipped: an inspection records who and when by itself.
    ``name``; ``label`` in Chinese and English: ``label::zh`` / ``label::Chinese (zh)`` / plain ``label`` and
    ``label::en`` / ``label::English (en)``; ``hint`` the same way; ``required`` (yes / no / true / false);
    ``relevant`` of the form ``${q} = 'v'`` (``selected(${q}, 'v')`` for a select_multiple);
    ``deduction``: the points an item of the evaluation standard loses when it fails.
    Ignored: ``appearance``, ``required_message``, ``guidance_hint`` and KoboToolbox's ``$…`` columns.
choices sheet
    ``list_name``, ``name``, labels as above, ``fails`` (yes / no): choosing this option fails the item.
settings sheet (optional)
    ``form_id`` (the checklist's code), ``form_title`` (or ``form_title::zh`` / ``form_title::en``), ``version``
    (the version's label). Other settings are ignored.
"""

from mobile_forms.xlsform.reading import read_xlsform
from mobile_forms.xlsform.workbook import ParsedForm, Problem, XLSFormError
from mobile_forms.xlsform.writing import write_xlsform

__all__ = ["ParsedForm", "Problem", "XLSFormError", "read_xlsform", "write_xlsform"]
