"""Presentation: the report's Swedish — tables, sentences and every chart.

- :mod:`.format`: Swedish numbers (``1 498,42``, ``2,26 %``, ``ca 2/3``)
- :mod:`.markup`: HTML built by construction: every value is escaped unless
  it is :class:`~.markup.Html` made here
- :mod:`.table`: :class:`~.table.Table`, the table contract shared with the workbook
- :mod:`.labels`: Swedish names of indicators, groups and codes in context
- :mod:`.charts`: all charts (matplotlib and seaborn), each with a Swedish text alternative
- :mod:`.size`, :mod:`.outcomes`, :mod:`.summary`, :mod:`.programme`: each section's tables and text
- :mod:`.output`: shows results in a notebook and saves them for the report
"""
