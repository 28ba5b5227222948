"""Writes a roll's rows as an Excel 97-2003 workbook (.xls, BIFF8), the format many offices still
send, for the import tests. Used by tests/common/rollfile.rs (write_xls); xlwt is the kept writer
of that format (pip install xlwt; scripts/test installs it).

    python3 write_xls.py OUT.xls SHEET_NAME < rows

Each input line is one row; cells are separated by a tab: "T<text>" (text), "N<integer>" or ""
(empty). In text, a backslash escapes a tab (\\t), a newline (\\n) and itself (\\\\).
"""
import sys

import xlwt


def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append({"t": "\t", "n": "\n", "\\": "\\"}.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    out, sheet_name = sys.argv[1], sys.argv[2]
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet_name)
    for r, line in enumerate(sys.stdin.read().split("\n")):
        if not line:
            continue
        for c, cell in enumerate(line.split("\t")):
            if cell.startswith("T"):
                ws.write(r, c, unescape(cell[1:]))
            elif cell.startswith("N"):
                ws.write(r, c, int(cell[1:]))
    wb.save(out)


if __name__ == "__main__":
    main()
