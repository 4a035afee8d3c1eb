"""The fuzzer (tests/fuzzing.py) in small: a few hundred damaged inputs per reader, a fixed seed, no failure.

The full run is ``.venv/bin/python tests/fuzzing.py --count 10000 --seed 1``.
Failures found while the readers were hardened are fixed cases in test_errors.py.
"""

from __future__ import annotations

import signal
import time

import fuzzing
import pytest

from sofstat import InputError
from sofstat.readers.staffing import read_staffing

SEED = 20240613
PER_TARGET = 200
TARGETS = [
    "staffing_txt",
    "staffing_csv",
    "staffing_xlsx",
    "survey",
    "sick_leave",
    "guideline",
    "department_map",
    "activities",
    "catalog",
]


@pytest.fixture(scope="module")
def report() -> fuzzing.Report:
    start = time.perf_counter()
    out = fuzzing.run(PER_TARGET, SEED, TARGETS, workers=2)
    print(f"\n{len(TARGETS) * PER_TARGET} inputs in {time.perf_counter() - start:.1f} s\n{out.table()}")
    return out


def test_no_reader_fails_on_damaged_input(report):
    lines = [
        f"{target} #{index} {outcome} after {mutations}: {detail.strip()[:500]}\n"
        f"  again: .venv/bin/python tests/fuzzing.py --seed {SEED} --target {target} --index {index}"
        for target, index, outcome, mutations, detail in report.failures
    ]
    assert not lines, "\n".join(lines)


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_reaches_both_outcomes(report, target):
    """The damage is neither so slight that all reads succeed nor so heavy that none do."""
    counts = report.counts[target]
    assert sum(counts.values()) == PER_TARGET
    assert counts["ok"] >= PER_TARGET // 20, counts
    assert counts["input_error"] >= PER_TARGET // 4, counts


def test_inputs_are_reproducible():
    targets, _ = fuzzing._setup()
    for name in TARGETS:
        a = fuzzing.make_case(targets[name], SEED, 7)
        b = fuzzing.make_case(targets[name], SEED, 7)
        assert (a.content, a.mutations) == (b.content, b.mutations)
    assert (
        fuzzing.make_case(targets["survey"], SEED, 7).content
        != fuzzing.make_case(targets["survey"], SEED + 1, 7).content
    )


def test_every_mutation_changes_its_input():
    import random

    table3 = fuzzing.TABLE3.read_bytes()
    catalog = fuzzing._setup()[0]["catalog"].seeds[0]  # the only seed with file paths in it
    for name, mutation in fuzzing.MUTATIONS.items():
        seed = catalog if name == "folder_path" else table3
        changed = sum(mutation(random.Random(k), seed) != seed for k in range(20))
        assert changed >= 15, name


def test_the_published_oracle_sees_a_lost_line(table3_text):
    """The oracle is able to fail: a line taken away from the rows, or a row put aside as debris."""
    data = table3_text.encode("utf-8")
    df = read_staffing(data, period="2024-03")
    assert fuzzing.oracle_published(data, df) is None
    log = df.attrs["read"]
    lost = df.iloc[1:].reset_index(drop=True)
    lost.attrs["read"] = type(log)(log.source, log.lines[1:], log.debris, log.blank)
    assert "not every line is accounted for" in fuzzing.oracle_published(data, lost)
    hidden = df.iloc[1:].reset_index(drop=True)
    debris = [*log.debris, (10, "tabellrubrik", "52 Socialnämnd 1 555 1 498,42 47,2 ")]
    hidden.attrs["read"] = type(log)(log.source, log.lines[1:], debris, log.blank)
    assert "does not read as such" in fuzzing.oracle_published(data, hidden)


def test_the_csv_oracle_sees_a_dropped_row(tmp_path):
    data = fuzzing.table3_csv()
    path = tmp_path / "bemanning_2024-03.csv"
    path.write_bytes(data)
    df = read_staffing(path)
    assert fuzzing.oracle_staffing_csv(data, df) is None
    assert "69 non-blank data lines but 68 rows" in fuzzing.oracle_staffing_csv(
        data + b"5209999;Ny;1;1,00;40,0;\r\n", df
    )


def _sleeps(path):
    time.sleep(5)


def _blocks(path):  # cannot be interrupted by the alarm: the parent must kill the worker
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(5)


def _raises(path):
    raise KeyError("not an InputError")


def _refuses(path):
    raise InputError(str(path), 1, "x", "bad")


def test_outcomes_are_classified(monkeypatch):
    """Each kind of failure is counted as such: an exception, a hang (two ways) and a silent loss."""
    monkeypatch.setattr(fuzzing, "HANG_SECONDS", 0.3)
    monkeypatch.setattr(fuzzing, "_GRACE_SECONDS", 0.5)
    fakes = {
        "sleeps": _sleeps,
        "blocks": _blocks,
        "raises": _raises,
        "refuses": _refuses,
        "loses": lambda path: [1],
        "reads": lambda path: [1],
    }
    for name, read in fakes.items():
        oracle = (
            (lambda data, result: "a row went missing") if name == "loses" else (lambda data, result: None)
        )
        target = fuzzing.Target(name, ".txt", [b"x\n"], read, oracle, warm_up=False)
        monkeypatch.setitem(fuzzing._TARGETS, name, target)
    fuzzing._setup()
    report = fuzzing.run(1, SEED, list(fakes), workers=1)
    outcome = {name: next(iter(report.counts[name])) for name in fakes}
    assert outcome == {
        "sleeps": "hang",
        "blocks": "hang",
        "raises": "exception",
        "refuses": "input_error",
        "loses": "loss",
        "reads": "ok",
    }
    assert {f[0] for f in report.failures} == {"sleeps", "blocks", "raises", "loses"}
    assert "KeyError" in next(f[4] for f in report.failures if f[0] == "raises")
