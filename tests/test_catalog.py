"""load_catalog: good catalogues, and every bad one a CatalogError naming the file and the entry.

No other exception type may escape load_catalog (nor the checks of targets made
when a period is loaded: sofstat.load_period(...).indicators).
"""

from __future__ import annotations

import functools
import math

import pytest
import yaml
from conftest import SYNTHETIC_CATALOG
from hypothesis import given
from hypothesis import strategies as st

import sofstat
from sofstat import CatalogError, config
from sofstat.readers.catalog import Target, load_catalog

RAW = config.RAW_DIR
STAFFING = RAW / "2024-03" / "tabell3_tillsvidareanstallda_2024-03.txt"
GUIDELINE = RAW / "2024-03" / "tabell1_grundtal.csv"
SURVEY = RAW / "2023" / "medarbetarundersokning_2023_utgangslage_v2.csv"
SICK = RAW / "2023" / "sjuktal_chefer_2023_v2.csv"

BASE = f"""periods:
  2024-H1:
    title: Första halvåret 2024
    staffing: {STAFFING}
    guideline: {GUIDELINE}
    survey: {SURVEY}
    sick_leave: {SICK}
"""
SECOND = f"""  2024-H2:
    staffing: {STAFFING}
"""


def _write(tmp_path, text: str, encoding: str = "utf-8", name: str = "periods.yml"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _target(spec: str, indicator: str = "share_units_within_base") -> str:
    return BASE + SECOND + f"targets:\n  {indicator}: {spec}\n"


def _fails(path, *fragments: str) -> CatalogError:
    """load_catalog(path) raises exactly CatalogError, naming the file and each fragment."""
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert type(info.value) is CatalogError
    message = str(info.value)
    assert str(path)[:100] in message
    for f in fragments:
        assert f in message, message
    return info.value


# --- good catalogues ----------------------------------------------------------


def test_real_catalogue():
    cat = load_catalog()
    assert cat.path == config.PERIODS_FILE
    assert [p.key for p in cat.periods] == ["2024-H1"]
    p = cat.periods[0]
    assert p.title == "Första halvåret 2024 (utgångsläge)"
    assert set(p.inputs) == {
        "staffing",
        "guideline",
        "guideline_factors",
        "department_map",
        "survey",
        "sick_leave",
        "activities",
    }
    assert all(path.is_absolute() and path.is_file() for path in p.inputs.values())
    assert p.inputs["survey"].name == "medarbetarundersokning_2023_utgangslage_v2.csv"
    assert p.inputs["sick_leave"].name == "sjuktal_chefer_2023_v2.csv"
    assert cat.targets == {}
    assert cat.thresholds == config.THRESHOLDS


def test_synthetic_catalogue_inherits_the_guideline_not_the_outcomes():
    cat = load_catalog(SYNTHETIC_CATALOG)
    h1, h2 = cat.periods
    assert (h1.key, h2.key) == ("2024-H1", "2024-H2")
    for role in ("guideline", "guideline_factors", "department_map"):
        assert h2.inputs[role] == h1.inputs[role]
    assert h2.inputs["survey"] != h1.inputs["survey"]
    assert h2.inputs["activities"].name == "aktiviteter_2024-12_syntetisk.csv"
    assert cat.find(None) is h2 and cat.find("2024-H1") is h1
    assert cat.upto("2024-H1") == [h1] and cat.upto("2024-H2") == [h1, h2]


def test_period_without_outcomes_does_not_inherit_them(tmp_path):
    cat = load_catalog(_write(tmp_path, BASE + SECOND))
    assert set(cat.periods[1].inputs) == {"staffing", "guideline"}
    assert cat.periods[1].title == "2024-H2"  # no title: the id


def test_unknown_period(tmp_path):
    p = _write(tmp_path, BASE)
    with pytest.raises(CatalogError, match=r"no period '2024-H2' \(has: 2024-H1\)"):
        load_catalog(p).find("2024-H2")
    with pytest.raises(CatalogError, match="no period '2030-H1'"):
        sofstat.load_period("2030-H1", p)


def test_thresholds_may_be_raised(tmp_path):
    cat = load_catalog(
        _write(tmp_path, BASE + "thresholds:\n  min_respondents: 10\n  max_hidden_sick_leave: 10\n")
    )
    assert cat.thresholds == {"min_employees_age": 5, "min_respondents": 10, "max_hidden_sick_leave": 10}
    assert sofstat.load_period("2024-H1", cat).thresholds["min_respondents"] == 10


def test_targets_are_read(tmp_path):
    cat = load_catalog(_write(tmp_path, _target('{value: 90, by: 2027-H2, source: "SON 2025-06-12 § 85"}')))
    t = cat.targets["share_units_within_base"]
    assert (t.value, t.by, t.source) == (90.0, "2027-H2", "SON 2025-06-12 § 85")
    assert isinstance(t.value, float)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16"])
def test_encodings_read_fine(tmp_path, encoding):
    """Windows-1252 (Notepad's "ANSI"), UTF-8 with BOM and UTF-16 with BOM are all read."""
    text = BASE.replace("Första halvåret 2024", "Första halvåret 2024 – ÅÄÖ")
    cat = load_catalog(_write(tmp_path, text, encoding))
    assert cat.periods[0].title == "Första halvåret 2024 – ÅÄÖ"


def test_crlf_line_ends(tmp_path):
    assert load_catalog(_write(tmp_path, BASE.replace("\n", "\r\n"))).periods[0].key == "2024-H1"


# --- bad catalogues -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (BASE.replace("    survey:", "    enkät:"), ["period 2024-H1", "unknown entry 'enkät'"]),
        (BASE.replace("2024-H1:", "2024-H3:"), ["period '2024-H3'", "YYYY-H1 or YYYY-H2"]),
        (BASE.replace("2024-H1:", "2024-Q1:"), ["period '2024-Q1'"]),
        (BASE.replace("2024-H1:", "24-H1:"), ["period '24-H1'"]),
        (BASE.replace("2024-H1:", "2024:"), ["period '2024'"]),
        (BASE.replace("2024-H1:", "2024-06-30:"), ["period '2024-06-30'"]),
        (
            BASE.replace("2024-H1:", "2024-H2:") + SECOND.replace("2024-H2", "2024-H1"),
            ["period 2024-H1", "time order (after 2024-H2)"],
        ),
        (BASE + BASE.split("\n", 1)[1], ["key '2024-H1' appears twice"]),
        (BASE.replace(f"    staffing: {STAFFING}\n", ""), ["period 2024-H1", "missing staffing"]),
        (BASE + SECOND.replace("    staffing", "    guideline"), ["period 2024-H2", "missing staffing"]),
        (
            BASE.replace(str(STAFFING), str(RAW / "2024-03")),
            ["period 2024-H1", "staffing", "is a folder, not a file"],
        ),
        (
            BASE.replace(str(STAFFING), "finns_inte.txt"),
            ["period 2024-H1", "staffing", "no such file: finns_inte.txt"],
        ),
        (BASE.replace(str(STAFFING), "a" * 5000), ["period 2024-H1", "staffing", "cannot be used as a path"]),
        (BASE.replace(str(STAFFING), "''"), ["period 2024-H1", "staffing: expected a file path"]),
        (BASE.replace(str(STAFFING), "[a, b]"), ["period 2024-H1", "staffing: expected a file path"]),
        (BASE.replace("title: Första halvåret 2024", "title: 5"), ["period 2024-H1", "title must be text"]),
        (
            BASE.replace("  2024-H1:\n", "  2024-H1: [a]\n").split("    title")[0],
            ["period 2024-H1", "expected a mapping"],
        ),
        (BASE + "malar:\n  x: 1\n", ["unknown top-level entries: malar"]),
        ("periods: {}\n", ["expected a mapping 'periods:'"]),
        ("periods: [2024-H1]\n", ["expected a mapping 'periods:'"]),
        ("- periods\n", ["expected a mapping 'periods:'"]),
        ("", ["expected a mapping 'periods:'"]),
        ("periods:\n  2024-H1: {staffing: [\n", ["not valid YAML"]),
        ("periods:\n\t2024-H1: x\n", ["not valid YAML"]),
        ("? [a, b]\n: 1\n", ["not valid YAML", "a key must be a plain word, number or date"]),
        ("periods: !!python/object:os.system {}\n", ["not valid YAML"]),
    ],
)
def test_bad_periods(tmp_path, text, fragments):
    _fails(_write(tmp_path, text), *fragments)


@pytest.mark.parametrize(
    ("spec", "fragments"),
    [
        ("{value: 90, by: 2027-H2}", ["expected exactly value, by and source"]),
        ("{value: 90, by: 2027-H2, source: x, note: y}", ["expected exactly value, by and source"]),
        ("90", ["expected exactly value, by and source"]),
        ("{value: 90, by: 2027-H2, source: ''}", ["source must name the decision"]),
        ("{value: 90, by: 2027-H2, source: 85}", ["source must name the decision"]),
        ("{value: '90', by: 2027-H2, source: x}", ["value must be a number, not '90'"]),
        ("{value: nittio, by: 2027-H2, source: x}", ["value must be a number, not 'nittio'"]),
        ("{value: true, by: 2027-H2, source: x}", ["value must be a number, not 'True'"]),
        ("{value: .nan, by: 2027-H2, source: x}", ["value must be a number"]),
        ("{value: .inf, by: 2027-H2, source: x}", ["value must be a number, not 'inf'"]),
        ("{value: [90], by: 2027-H2, source: x}", ["value must be a number, not a list"]),
        ("{value: 90, by: 2027, source: x}", ["by must be a period id", "not '2027'"]),
        ("{value: 90, by: 2027-H3, source: x}", ["by must be a period id", "not '2027-H3'"]),
        ("{value: 90, by: 2027-12-31, source: x}", ["by must be a period id", "not '2027-12-31'"]),
        ("{value: 90, by: 2024-H1, source: x}", ["by (2024-H1) must come after the baseline 2024-H1"]),
        ("{value: 90, by: 2023-H2, source: x}", ["by (2023-H2) must come after the baseline 2024-H1"]),
    ],
)
def test_bad_targets(tmp_path, spec, fragments):
    _fails(_write(tmp_path, _target(spec)), "target 'share_units_within_base'", *fragments)


@pytest.mark.parametrize(
    ("indicator", "fragments"),
    [
        ("share_units", ["target 'share_units'", "unknown indicator"]),
        ("survey", ["target 'survey'", "no survey question ''"]),
        (
            "survey.aterhamtning.politiker",
            ["target 'survey.aterhamtning.politiker'", "medarbetare or chefer"],
        ),
        ("sick.", ["target 'sick.'", "unknown indicator"]),
        ('"[a, b]"', ["target '[a, b]'", "unknown indicator"]),
    ],
)
def test_bad_target_ids(tmp_path, indicator, fragments):
    _fails(_write(tmp_path, _target("{value: 1, by: 2025-H2, source: x}", indicator)), *fragments)


@pytest.mark.parametrize(
    ("indicator", "fragment"),
    [
        ("survey.okand_fraga.chefer", "no survey question 'okand_fraga' in data/raw/survey_questions.csv"),
        ("sick.okanda_chefer", "no sick-leave group of that name in any period"),
    ],
)
def test_targets_checked_when_the_period_is_loaded(tmp_path, indicator, fragment):
    """Question ids and sick-leave groups are known only with the inputs: checked by load_period."""
    path = _write(tmp_path, _target("{value: 1, by: 2025-H2, source: x}", indicator))
    p = sofstat.load_period("2024-H2", path)  # the catalogue itself reads fine
    with pytest.raises(CatalogError) as info:
        _ = p.indicators
    assert type(info.value) is CatalogError
    assert str(path) in str(info.value) and f"target '{indicator}'" in str(info.value)
    assert fragment in str(info.value)
    with pytest.raises(CatalogError):
        _ = p.movement


def test_target_on_a_known_question_without_values_is_kept(tmp_path):
    """The prerequisites question has no figure in any period: its target is reported, not assessed."""
    path = _write(tmp_path, _target("{value: 80, by: 2026-H2, source: x}", "survey.forutsattningar.chefer"))
    m = sofstat.load_period("2024-H2", path).movement.set_index("id")
    assert m.loc["survey.forutsattningar.chefer", ["verdict", "attainment"]].tolist() == [
        "missing",
        "not_assessable",
    ]


def test_target_on_a_hidden_sick_leave_group_is_kept():
    """SYNTHETIC avdelningschefer (8 employees) exist but are hidden: the target is no error."""
    cat = load_catalog(SYNTHETIC_CATALOG)
    cat.targets["sick.avdelningschefer"] = Target("sick.avdelningschefer", 0.5, "2026-H2", "SYNTETISKT")
    m = sofstat.load_period("2024-H2", cat).movement.set_index("id")
    row = m.loc["sick.avdelningschefer"]
    assert row[["verdict", "attainment"]].tolist() == ["missing", "not_assessable"]
    assert math.isnan(row["latest"]) and math.isnan(row["baseline"])  # hidden, and no 2023 figure


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("thresholds:\n  min_respondents: 4\n", ["thresholds: min_respondents = 4", "may only be raised"]),
        ("thresholds:\n  max_hidden_sick_leave: 9\n", ["max_hidden_sick_leave = 9", "default 10"]),
        (
            "thresholds:\n  min_employees_age: 0\n",
            ["min_employees_age must be a whole number from 1 to 1000"],
        ),
        ("thresholds:\n  min_respondents: 5.5\n", ["min_respondents must be a whole number"]),
        ("thresholds:\n  min_respondents: '6'\n", ["min_respondents must be a whole number"]),
        ("thresholds:\n  min_respondents: true\n", ["min_respondents must be a whole number"]),
        (
            "thresholds:\n  min_respondents: 100000\n",
            ["min_respondents must be a whole number from 1 to 1000"],
        ),
        (
            "thresholds:\n  min_svarande: 6\n",
            ["thresholds: unknown 'min_svarande'", "known: min_employees_age"],
        ),
        ("thresholds: [6]\n", ["thresholds: expected a mapping"]),
        ("targets: [6]\n", ["targets: expected a mapping"]),
    ],
)
def test_bad_thresholds(tmp_path, text, fragments):
    _fails(_write(tmp_path, BASE + text), *fragments)


# --- files that are not catalogues -------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path, encoding):
    """Every other byte NUL: refused (with a BOM it is read, see test_encodings_read_fine)."""
    _fails(_write(tmp_path, BASE, encoding), "UTF-16")


def test_nul_byte(tmp_path):
    p = tmp_path / "periods.yml"
    p.write_bytes(BASE.encode() + b"\x00\n")
    _fails(p, "holds a NUL character")


def test_bytes_that_are_no_text(tmp_path):
    p = tmp_path / "periods.yml"
    p.write_bytes(b"periods:\n  \x81\x8d\x8f: x\n")  # undefined in Windows-1252, invalid UTF-8
    _fails(p, "neither UTF-8 nor Windows-1252")


def test_damaged_utf16(tmp_path):
    p = tmp_path / "periods.yml"
    p.write_bytes(b"\xff\xfe" + BASE.encode("utf-16-le")[:-1])
    _fails(p, "damaged UTF-16")


@pytest.mark.parametrize("text", ["[" * 10000, "{a: " * 10000, "- " * 10000 + "x"])
def test_deep_nesting(tmp_path, text):
    with pytest.raises(CatalogError) as info:
        load_catalog(_write(tmp_path, text))
    assert type(info.value) is CatalogError and str(tmp_path) in str(info.value)


def test_brackets_open_at_once_are_bounded_by_the_scanner(tmp_path):
    """A hundred brackets open at once is still YAML (and then not a catalogue, for what it
    holds); one more stops the scanner, before PyYAML's work per token grows with the depth."""
    from sofstat.readers import catalog

    depth = catalog._MAX_FLOW_DEPTH
    assert catalog._load_yaml(_write(tmp_path, "x: " + "[" * depth + "1" + "]" * depth)) == {
        "x": functools.reduce(lambda inner, _: [inner], range(depth), 1)
    }
    for text in ("x: " + "[" * (depth + 1) + "1" + "]" * (depth + 1), "x: " + "[{a: " * (depth // 2 + 1)):
        with pytest.raises(CatalogError, match="nested too deeply"):
            load_catalog(_write(tmp_path, text))


def test_aliases_expanding_to_a_huge_value_are_not_printed(tmp_path):
    """A "billion laughs" value (10⁹ leaves through nine levels of aliases) is cheap for YAML,
    which shares the lists; the message names its type rather than printing it."""
    levels = ["&a [" + ", ".join(["l"] * 10) + "]"]
    levels += [f"&{n} [" + ", ".join([f"*{chr(ord(n) - 1)}"] * 10) + "]" for n in "bcdefghi"]
    _fails(
        _write(tmp_path, _target(f"{{value: [{', '.join(levels)}], by: 2027-H2, source: x}}")),
        "value must be a number, not a list",
    )


def test_large_file(tmp_path):
    _fails(_write(tmp_path, BASE + "#" * 1_000_001 + "\n"), "more than 1000000 bytes")


def test_catalogue_itself_missing_folder_or_name_too_long(tmp_path):
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(tmp_path / "finns_inte.yml")
    with pytest.raises(CatalogError, match="is a folder, not a file"):
        load_catalog(tmp_path)
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(tmp_path / ("a" * 5000 + ".yml"))
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(tmp_path / "a\x00b.yml")


# --- nothing but CatalogError escapes ------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["2024-H1", "2024-H2", "2027-H2", "staffing", "targets", "periods", str(STAFFING), ""]),
    st.text(max_size=20),
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_scalars, inner, max_size=4),
    max_leaves=25,
)


@given(doc=_documents)
def test_any_yaml_document_is_a_catalogue_or_a_catalog_error(tmp_path, doc):
    variants = [
        doc,
        {"periods": doc},
        {"periods": {"2024-H1": doc}},
        {
            "periods": {"2024-H1": {"staffing": str(STAFFING), "guideline": str(GUIDELINE)}},
            "targets": doc,
            "thresholds": doc,
        },
    ]
    for i, d in enumerate(variants):
        p = tmp_path / f"c{i}.yml"
        p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
        try:
            load_catalog(p)
        except CatalogError as exc:
            assert type(exc) is CatalogError


@given(text=st.text(max_size=300))
def test_any_text_is_a_catalogue_or_a_catalog_error(tmp_path, text):
    p = tmp_path / "c.yml"
    p.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        load_catalog(p)
    except CatalogError as exc:
        assert type(exc) is CatalogError
