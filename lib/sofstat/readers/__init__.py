"""Readers: input files in, tidy validated DataFrames out.

Readers only read and validate. Each accepts a path, or the text itself,
and either returns a DataFrame in which every input line is accounted for
(a row, or reported debris) or raises :class:`sofstat.InputError` naming the
file, the line and its text, with every problem found in ``.problems``.

- :mod:`.source`: files, encodings, line bounds, ``;``-CSV and ``.xlsx``
- :mod:`.numbers`: Swedish numbers (decimal comma, space as thousands separator)
- :mod:`.staffing`: the staffing table (published text, CSV or xlsx)
- :mod:`.guideline`: the guideline's tables 1 and 2, the department map
- :mod:`.survey`, :mod:`.sickleave`: outcomes
- :mod:`.programme`: the programme register (needs, conclusions, activities)
- :mod:`.catalog`: ``data/periods.yml``
"""
