"""Analysis: indicators computed from the readers' DataFrames.

Every function here is linear in its rows (group-bys, no loops over
departments) and returns codes from :mod:`sofstat.vocabulary`, never Swedish.
Small groups are hidden through :mod:`sofstat.disclosure` only.

- :mod:`.size`: employees per manager against the guideline; the totals check
- :mod:`.age`: mean age per unit and department (small groups hidden)
- :mod:`.sickleave`, :mod:`.survey`: outcomes, with intervals and tests
- :mod:`.indicators`: the indicators, their ids and values per period
- :mod:`.movement`: movement from the baseline; unit changes
- :mod:`.attainment`: goal attainment against SON's targets
- :mod:`.programme`: the programme register: activities, needs, changes
- :mod:`.period`: :func:`load_period`, everything the report computes for a period
"""
