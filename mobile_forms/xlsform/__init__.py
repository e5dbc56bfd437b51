"""Reading (and writing) checklists as XLSForm workbooks, the ODK / KoboToolbox format, parsed with pyxform.

Modules: `reading` (pyxform's JSON → questions and sections), `elements` (one row), `types`, `languages`,
`expressions` (conditions and constraints), `workbook` (what is returned), `writing`.

Taken: every type spelling pyxform accepts for select_one / select_multiple (``select one from <list>``,
``select_one <list>`` …), integer, decimal, text (also ``phone number``), date, image, geopoint, note; ``or_other``;
groups (→ sections; a group's condition passes to its questions); labels, hints, ``required_message`` and
``constraint_message`` in every language spelling (``label::English (en)``, ``label:English``, ``label::zh`` …);
``required`` yes/no; ``relevant`` of the form ``${q} = 'v'`` / ``selected(${q}, 'v')``; ``constraint`` as number
bounds or a text ``regex()`` / ``string-length()``; our ``deduction`` and choices ``fails`` columns. Metadata rows
(start, end, deviceid …) are skipped.
Dropped with a warning on the row: appearance, media, parameters, default, guidance hints, calculations no condition
uses, constraints a question type cannot hold, languages other than Chinese and English.
Refused with the row (nothing is stored): repeats, external or filtered choice lists, conditions that cannot be
evaluated, types we cannot ask (time, audio, barcode, acknowledge …), and whatever pyxform itself refuses.
"""

from mobile_forms.xlsform.reading import read_xlsform
from mobile_forms.xlsform.workbook import ParsedForm, Problem, XLSFormError
from mobile_forms.xlsform.writing import write_xlsform

__all__ = ["ParsedForm", "Problem", "XLSFormError", "read_xlsform", "write_xlsform"]
