"""Rebuild the brief's reading order from its two-column PDF extraction.

The extraction in brief/source/IF10172.pdf.txt interleaves the left and right
columns line by line.  The layout below was read off the printed page once, by
hand: it lists, per section and paragraph, the 1-based seed line numbers in
reading order.  Running it writes brief/IF10172.txt, one seed line per line,
so tests/test_brief.py can prove the rebuild uses every seed line exactly once.

Usage: python scripts/rebuild_brief.py
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "brief" / "source" / "IF10172.pdf.txt"
OUT = ROOT / "brief" / "IF10172.txt"


def _r(a: int, b: int, step: int = 1) -> list[int]:
    return list(range(a, b + 1, step))


# (heading line numbers, [paragraph line lists])
LAYOUT: list[tuple[list[int], list[list[int]]]] = [
    (
        [3],
        [
            [*_r(5, 17), 19, 21, 22, 24, 26, 28, 30],
            [*_r(33, 51, 2), 52, 54, 56, 58],
            [*_r(61, 81, 2), 82, *_r(84, 94, 2)],
            [23, 25, 27, 29, 31, 32, *_r(34, 50, 2)],
            [53, 55, 57, 59, 60, *_r(62, 80, 2)],
        ],
    ),
    ([83], [_r(85, 91, 2), [93, 95, 99, 101, 103]]),
    ([106], [[108, 110, 112, 114, 115, *_r(117, 127, 2)], [*_r(129, 139, 2), 140, 142]]),
    (
        [145],
        [
            _r(147, 167, 2),
            [168, 170, 172],
            [175, 177, 179, 181],
            _r(184, 194, 2),
        ],
    ),
    (
        [196, 198],
        [
            [200, 202, 204, 205, 207, 208, 210, 100, 102, 104, 105, *_r(107, 113, 2)],
            _r(116, 128, 2),
        ],
    ),
    ([130], [_r(132, 138, 2), [141, 143, 144, *_r(146, 166, 2)]]),
    ([169, 171], [[173, 174, *_r(176, 182, 2), 183, *_r(185, 193, 2)], _r(195, 203, 2)]),
]

# Lines of the printed page that are not the brief's running text.
FURNITURE = [
    (1, "date"),
    (2, "title"),
    (4, "figure_caption"),
    (20, "figure_source"),
    (96, "footer"),
    (98, "running_header"),
    (206, "author_line"),
    (209, "product_number"),
    (211, "footer"),
]

HEADER = """\
---
# CRS In Focus IF10172, rebuilt in reading order from its two-column PDF
# extraction by scripts/rebuild_brief.py.  Below the front matter: one printed
# line per line, "## " before a heading line, a blank line between paragraphs.
number: IF10172
series: CRS In Focus
title: Al Qaeda in the Islamic Maghreb (AQIM) and Related Groups
date: 2017-03-20
date_printed: March 20, 2017
author: Alexis Arieff
author_email: aarieff@crs.loc.gov
author_phone: 7-2459
publisher: Congressional Research Service
url: www.crs.gov
about:
  scope: AQIM and related groups in North and West Africa (their leaders, areas of operation, attacks, financing and ties to Al Qaeda and the Islamic State)
  examples: ["Who leads AQIM?", "What is MUJAO?", "Where is AQIM active?"]
  link: https://crsreports.congress.gov/product/pdf/IF/IF10172
# short, stable ids for the headings: sentence ids (overview.1.2) are built from them
section_ids:
  Overview: overview
  Objectives: objectives
  Leadership: leadership
  Areas of Operation: areas
  Attacks against U.S. Personnel and Facilities: attacks
  Size and Financing: size
  Relationship with Al Qaeda and/or the Islamic State organization: relationship
figures:
  - section: Overview
    caption: "Figure 1. AQIM Insignia"
    source: "Source: AQIM social media"
furniture:
"""


def main() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    out = [HEADER]
    for number, role in FURNITURE:
        text = lines[number - 1].replace('"', '\\"')
        out.append(f'  - {{line: {number}, role: {role}, text: "{text}"}}\n')
    out.append("---\n")
    for headings, paragraphs in LAYOUT:
        out.append("\n")
        out.extend(f"## {lines[n - 1]}\n" for n in headings)
        for i, paragraph in enumerate(paragraphs):
            if i:
                out.append("\n")
            out.extend(f"{lines[n - 1]}\n" for n in paragraph)
    OUT.write_text("".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
