"""Tables that fit the terminal, and CSV that Norwegian Excel opens.

Why: a year table with twenty columns cut to 80 characters shows "49,1…" where a number
should be; here the year columns are split into blocks that each fit the width, so every
number is shown whole. CSV for Norwegian Excel (``--sep ';'``) writes decimal commas and a
byte-order mark, which is what makes Excel read the file as UTF-8 and the numbers as numbers.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Sequence

PADDING = 3   # rich's cell padding (a space each side) and the column divider
EDGES = 2


def column_blocks(label_width: int, widths: Sequence[int], total: int) -> list[list[int]]:
    """Split columns ``0..len(widths)-1`` into consecutive blocks that fit in ``total``
    characters beside the label column (every block holds at least one column)."""
    blocks: list[list[int]] = [[]]
    used = label_width + PADDING + EDGES
    for i, w in enumerate(widths):
        if blocks[-1] and used + w + PADDING > total:
            blocks.append([])
            used = label_width + PADDING + EDGES
        blocks[-1].append(i)
        used += w + PADDING
    return blocks


def wrap_id(text: str, width: int) -> str:
    """An id in lines of at most ``width``, broken after its hyphens where it can be; a part
    longer than the line is left to the table to fold."""
    lines: list[str] = []
    for part in re.split(r"(?<=-)", text):
        if lines and len(lines[-1]) + len(part) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return "\n".join(lines)


def csv_cell(value: object, sep: str) -> object:
    """A number as the CSV's readers expect it: a decimal comma with ``;``."""
    if sep == ";" and isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


def write_csv(rows: Sequence[Sequence[object]], sep: str) -> None:
    """Write ``rows`` to stdout; with ``;`` as Norwegian Excel wants it (BOM, CRLF)."""
    if sep == ";":
        sys.stdout.write("\ufeff")
    writer = csv.writer(sys.stdout, delimiter=sep,
                        lineterminator="\r\n" if sep == ";" else "\n")
    for row in rows:
        writer.writerow([csv_cell(v, sep) for v in row])
