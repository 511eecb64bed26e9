#!/usr/bin/env python3
"""Reads the golden ESC/POS files back with Python's own codecs (euc_kr, gb18030, cp858).

A command walker of its own steps over the ESC/POS commands; the text between them is decoded by
Python's codec for the file's language and compared, line by line, with the text file beside it
(`ko-80.bin` with `ko-80.txt`). Also checks that German files select code page 19 and carry
the euro sign, where the text has one, as 0xD5. Exits 1 on the first difference.
"""
import pathlib
import sys

CODECS = {"ko": "euc_kr", "zh": "gb18030", "de": "cp858"}


def walk(data: bytes):
    """The printable runs of an ESC/POS stream, split at line feeds, and the commands seen."""
    lines, run, commands, i = [], bytearray(), [], 0
    while i < len(data):
        b = data[i]
        nxt = data[i + 1] if i + 1 < len(data) else None
        if b == 0x1B:  # ESC
            size = {0x40: 2, 0x70: 5}.get(nxt, 3)
        elif b == 0x1C:  # FS & / FS .
            size = 2
        elif b == 0x10:  # DLE EOT n
            size = 3
        elif b == 0x1D:  # GS
            if nxt == 0x28:  # GS ( k pL pH ...
                size = 5 + data[i + 3] + 256 * data[i + 4]
            elif nxt == 0x6B:  # GS k m n data
                size = 4 + data[i + 3] if data[i + 2] >= 65 else None
                if size is None:
                    end = data.index(0, i + 3)
                    size = end - i + 1
            elif nxt == 0x56:  # GS V m n
                size = 4 if data[i + 2] >= 65 else 3
            else:
                size = 3
        elif b == 0x0A:
            lines.append(bytes(run))
            run = bytearray()
            i += 1
            continue
        else:
            run.append(b)
            i += 1
            continue
        commands.append(data[i : i + size])
        i += size
    if run:
        lines.append(bytes(run))
    return [l for l in lines if l], commands


def main(folder: str) -> int:
    files = sorted(pathlib.Path(folder).glob("*.bin"))
    if not files:
        print(f"no .bin files in {folder}")
        return 1
    for path in files:
        lang = path.stem.split("-")[0]
        runs, commands = walk(path.read_bytes())
        decoded = [r.decode(CODECS[lang]) for r in runs]
        expected = path.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
        if decoded != expected:
            for n, (a, b) in enumerate(zip(decoded, expected)):
                if a != b:
                    print(f"{path.name} line {n + 1}: decoded {a!r}, expected {b!r}")
                    break
            else:
                print(f"{path.name}: {len(decoded)} lines decoded, {len(expected)} expected")
            return 1
        if lang == "de":
            if b"\x1bt\x13" not in commands:
                print(f"{path.name}: code page 19 is not selected")
                return 1
            wants_euro = any("€" in line for line in expected)
            if wants_euro and not any(0xD5 in r and "€" in r.decode("cp858") for r in runs):
                print(f"{path.name}: no euro sign as 0xD5")
                return 1
        print(f"{path.name}: {len(decoded)} lines read back with Python's {CODECS[lang]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "crates/pos-escpos/tests/golden"))
