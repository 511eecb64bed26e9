#!/usr/bin/env python3
"""Compares our ESC/POS bytes, command by command, with what python-escpos (a second encoder,
not written here) emits for the same commands, where both support them.

For every golden file (and any other .bin given):
- it starts with python-escpos' `ESC @`;
- each QR code's commands equal python-escpos' `qr(data, ec=M, size=6, model=2, native=True)`;
- each CODE128 or EAN-13 barcode's commands equal python-escpos' `barcode(...)` with height 80,
  width 2, text below, function B (less its `GS f 0`: the text's font A, the printer's default);
- the partial cut equals `cut(mode="PART", feed=False)`, the drawer pulse `cashdraw(2)`;
- bold, underline and alignment commands are python-escpos' own constants;
- German text: each line, as python-escpos encodes it after `charcode("CP858")` (which selects
  code page 19 and writes the euro as 0xD5), is byte for byte our line.
Double height is not compared: python-escpos sets it with `ESC !`, we with `GS !`.
Korean and Chinese text are not compared: python-escpos has no double-byte mode; the decoder
(`escpos_decode.py`) reads them with Python's codecs instead.
"""
import pathlib
import sys

from escpos import constants as C
from escpos.printer import Dummy

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from escpos_decode import walk  # noqa: E402


def theirs(build):
    p = Dummy()
    build(p)
    return p.output


def split(data: bytes):
    """python-escpos' output as commands (it writes no text in these)."""
    return walk(data)[1]


def check(path: pathlib.Path) -> list:
    data = path.read_bytes()
    runs, commands = walk(data)
    problems = []
    if not data.startswith(theirs(lambda p: p.hw("INIT"))):
        problems.append("does not start with ESC @")
    styles = {C.TXT_STYLE["bold"][True], C.TXT_STYLE["bold"][False]}
    styles |= {C.TXT_STYLE["underline"][n] for n in (0, 1, 2)}
    styles |= {C.TXT_STYLE["align"][a] for a in ("left", "center", "right")}
    compared = 0
    i = 0
    while i < len(commands):
        c = commands[i]
        if c[:3] == b"\x1d(k" and c[5:7] == b"1A":  # a QR code: five commands
            qr = commands[i : i + 5]
            payload = qr[3][8:].decode("ascii")
            want = split(theirs(lambda p: p.qr(payload, ec=C.QR_ECLEVEL_M, size=6, model=C.QR_MODEL_2, native=True)))
            if qr != want:
                problems.append(f"QR {payload}: {qr} != {want}")
            compared += 1
            i += 5
            continue
        if c[:2] == b"\x1dh":  # a barcode: height, width, text position, the code
            ours = commands[i : i + 4]
            kind, data_ = ours[3][2], ours[3][4:]
            bc, text = ("CODE128", data_.decode("ascii")) if kind == 73 else ("EAN13", data_.decode("ascii"))
            want = [
                x
                for x in split(
                    theirs(lambda p: p.barcode(text, bc, height=80, width=2, pos="BELOW", function_type="B", align_ct=False))
                )
                if x != b"\x1df\x00"
            ]
            if ours != want:
                problems.append(f"{bc} {text}: {ours} != {want}")
            compared += 1
            i += 4
            continue
        if c[:2] == b"\x1dV":
            if c != theirs(lambda p: p.cut(mode="PART", feed=False)):
                problems.append(f"cut {c}")
            compared += 1
        elif c[:2] == b"\x1bp":
            if c != theirs(lambda p: p.cashdraw(2)):
                problems.append(f"drawer {c}")
            compared += 1
        elif c[:2] in (b"\x1bE", b"\x1b-", b"\x1ba"):
            if c not in styles:
                problems.append(f"style {c}")
            compared += 1
        i += 1
    if path.stem.startswith("de"):
        for run in runs:
            line = run.decode("cp858")
            encoded = theirs(lambda p: (p.charcode("CP858"), p.text(line)))
            if not encoded.startswith(b"\x1bt\x13") or encoded[3:] != run:
                problems.append(f"text {line!r}: ours {run!r}, python-escpos {encoded!r}")
            compared += 1
    print(f"{path.name}: {compared} commands and lines compared with python-escpos")
    return problems


def main(paths) -> int:
    files = []
    for p in map(pathlib.Path, paths):
        files += sorted(p.glob("*.bin")) if p.is_dir() else [p]
    failed = False
    for f in files:
        for problem in check(f):
            print(f"{f.name}: {problem}")
            failed = True
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["crates/pos-escpos/tests/golden"]))
