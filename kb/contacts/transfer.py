"""Contacts out as CSV and vCard, and in from CSV: checked row by row before any write."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from kb.contacts.fields import FORMULA_START
from kb.contacts.model import Contact, ContactCreate
from kb.contacts.validation import FIELDS, Invalid, read_contact

COLUMNS = [spec.name for spec in FIELDS]
MAX_IMPORT_BYTES = 512 * 1024
MAX_ROWS = 2000


def _cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ is quoted with `'`
    (OWASP's advice against formula injection). Import takes the quote off again."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(contacts: list[Contact]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for contact in contacts:
        writer.writerow({c: _cell(getattr(contact, c)) for c in COLUMNS})
    return out.getvalue()


def _vcard_escape(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def _vcard_value(value: str) -> str:
    """A URL, email or phone: no line break or control character can end its line."""
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f")


def to_vcard(contacts: list[Contact]) -> str:
    cards = []
    for c in contacts:
        display = c.name or c.role
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{_vcard_escape(display)}",
            f"TITLE:{_vcard_escape(c.role)}",
        ]
        if c.group == "external":
            lines.append(f"ORG:{_vcard_escape(c.role)}")
        for phone in (c.phone, c.phone_alt):
            if phone:
                lines.append(f"TEL;TYPE=CELL:{_vcard_value(phone)}")
        if c.email:
            lines.append(f"EMAIL:{_vcard_value(c.email)}")
        if c.url:
            lines.append(f"URL:{_vcard_value(c.url)}")
        if c.notes:
            lines.append(f"NOTE:{_vcard_escape(c.notes)}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return "\r\n".join(cards) + "\r\n"


def _uncell(text: str) -> str:
    """Undo `_cell`: an exported `'=x` comes back as `=x`, to be validated as typed."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


@dataclass
class ImportRow:
    """One CSV row: its cells as typed, and the contact they make or what is wrong."""

    line: int
    data: dict
    contact: ContactCreate | None
    errors: dict[str, str]


def parse_csv(text: str) -> tuple[list[ImportRow], str | None]:
    """Every row with its cleaned values or errors; a file-level problem as the second item."""
    if len(text.encode("utf-8", errors="ignore")) > MAX_IMPORT_BYTES:
        return [], f"the file is larger than {MAX_IMPORT_BYTES // 1024} KiB"
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[ImportRow] = []
    try:
        return rows, _read_rows(reader, rows)
    except csv.Error as error:  # a cell past csv's size limit, a stray quote…
        return rows, f"line {reader.line_num}: not readable as CSV ({error})"


def _read_rows(reader: csv.DictReader, rows: list[ImportRow]) -> str | None:
    """Fill `rows`; a file-level problem, if any."""
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "role" not in header:
        return "the first line must name the columns, including 'role' (export a CSV to see the format)"
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        return f"unknown column(s): {', '.join(unknown)}"
    for index, raw in enumerate(reader):
        if index >= MAX_ROWS:
            return f"only the first {MAX_ROWS} rows are read"
        data = {k.strip().lower(): _uncell(v or "") for k, v in raw.items() if k}
        data.setdefault("group", "technical")
        try:
            row = ImportRow(reader.line_num, data, read_contact(data), {})
        except Invalid as invalid:
            row = ImportRow(reader.line_num, data, None, invalid.errors)
        rows.append(row)
    return None
