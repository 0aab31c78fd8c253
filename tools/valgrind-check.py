#!/usr/bin/python3
"""valgrind-check.py DIR: read every memcheck log in DIR (one per FastCGI
process of `make valgrind`) and fail when any reports an error or a
definitely or indirectly lost block. Prints one line per process."""
import re
import sys
from pathlib import Path

bad = 0
logs = sorted(Path(sys.argv[1]).glob("*.log"))
if not logs:
    sys.exit("no valgrind logs: did the programs run under memcheck?")
for log in logs:
    text = log.read_text(errors="replace")
    cmd = re.search(r"Command: (\S+)", text)
    errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
    lost = {k: int(v.replace(",", "")) for k, v in re.findall(
        r"(definitely|indirectly) lost: ([\d,]+) bytes", text)}
    n_err = int(errors.group(1)) if errors else -1
    leaked = lost.get("definitely", 0) + lost.get("indirectly", 0)
    ok = n_err == 0 and leaked == 0
    bad += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {cmd.group(1) if cmd else '?'}: "
          f"{n_err} errors, {leaked} bytes lost ({log.name})")
sys.exit(1 if bad else 0)
