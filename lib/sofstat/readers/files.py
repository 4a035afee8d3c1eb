"""Bytes of an input file and their text (or a workbook's cells): the part of reading that needs no pandas.

Used by every reader through :mod:`.source`, and by the catalogue directly
(so that the report command can read its catalogue before pandas is loaded).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from .. import config
from ..errors import InputError


def read_bytes(source: str | os.PathLike[str]) -> tuple[str, Path, bytes]:
    """The bytes of a file, any failure to read it as :class:`InputError`.

    Returns:
        ``(name, path, data)``.
    """
    path = Path(source)
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(name, None, "", "is a folder, not a file")
        size = path.stat().st_size
        if size > config.MAX_FILE_BYTES:
            raise InputError(
                name, None, "", f"is {size} bytes, more than the {config.MAX_FILE_BYTES} accepted"
            )
        return name, path, path.read_bytes()
    except InputError:
        raise
    except (OSError, ValueError) as exc:  # missing, unreadable, name too long, NUL in the name
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(name[:300], None, "", f"cannot be read: {reason}") from None


def decode(data: bytes, name: str) -> str:
    """Decode UTF-16 (with BOM), UTF-8 (BOM optional) or else Windows-1252; LF line ends.

    Raises:
        InputError: when the bytes are none of these (UTF-16 without a BOM
            is named as such, at line 1).
    """
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff") and b"\x00" in data[:4096]:
        encoding = _utf16_without_bom(data[:4096])
        if encoding:
            first = data.decode(encoding, "replace").split("\n", 1)[0].rstrip("\r")
            raise InputError(
                name, 1, first, f"text in {encoding.upper()} without a byte-order mark; save it as UTF-8"
            )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(name, None, "", f"damaged UTF-16 text ({exc.reason})") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                line_no = data.count(b"\n", 0, exc.start) + 1
                start = data.rfind(b"\n", 0, exc.start) + 1
                end = data.find(b"\n", exc.start)
                raw = data[start : end if end >= 0 else len(data)].decode("latin-1")
                raise InputError(name, line_no, raw, "text is neither UTF-8 nor Windows-1252") from None
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _utf16_without_bom(sample: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when every other byte of ``sample`` is mostly NUL."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def xlsx_rows(name: str, data: bytes) -> list[tuple[int, list[object]]]:
    """Every row ``(number, cells)`` of the first worksheet; any damage is an :class:`InputError`."""
    from openpyxl import load_workbook  # only for workbooks: keeps `import sofstat` light

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:  # sizes as declared: zipfile reads no more
            unpacked = sum(info.file_size for info in z.infolist())
        if unpacked > config.MAX_FILE_BYTES:
            raise InputError(
                name, None, "", f"unpacks to {unpacked} bytes, more than the {config.MAX_FILE_BYTES} accepted"
            )
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not wb.worksheets:
                raise InputError(name, None, "", "the workbook has no worksheet")
            sheet = wb.worksheets[0]
            if hasattr(sheet, "reset_dimensions"):
                # the size a workbook declares may be wrong (A1:XFD1048576): read the cells it has
                sheet.reset_dimensions()
            rows = []
            for i, cells in enumerate(sheet.iter_rows(), start=1):
                values = []
                for c in cells:
                    v = getattr(c, "value", None)
                    # a cell formatted as a percentage holds 0.702 for 70,2 %
                    if isinstance(v, int | float) and "%" in (getattr(c, "number_format", "") or ""):
                        v = f"{v * 100:.10g} %"
                    values.append(v)
                rows.append((i, values))
                if i > 10_000_000:
                    raise InputError(name, i, "", "more than 10 000 000 rows")
            return rows
        finally:
            wb.close()
    except InputError:
        raise
    except Exception as exc:  # openpyxl, zipfile and zlib raise many kinds for a damaged file
        reason = f"{type(exc).__name__}: {exc}"[:200]
        raise InputError(name, None, "", f"not a readable .xlsx file ({reason})") from None


def cell_text(value: object) -> str:
    """Text of a worksheet cell: numbers to the 15 significant digits Excel keeps, None as ''."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value)
