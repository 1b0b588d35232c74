"""Print the size of the built widget and fail when it is over budget.

    python bench/widget_size.py [--budget BYTES]

The widget ships as one file, kanskaart-form.js, with its stylesheet inside
as text, so this one file is all that a host page loads: JavaScript and CSS
together. The budget counts its size after gzip at level 9, close to what a
web server sends with compression on. `make test` runs this script.
"""

import argparse
import gzip
import sys
from pathlib import Path

BUILT_FILE = (
    Path(__file__).resolve().parent.parent
    / "wagtail_kanskaart"
    / "static"
    / "wagtail_kanskaart"
    / "kanskaart-form.js"
)

# 12 kB. Counted in units of 1000 bytes, the stricter reading of "12 KB".
DEFAULT_BUDGET = 12_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--budget",
        type=int,
        default=DEFAULT_BUDGET,
        help=f"maximum gzipped size in bytes (default {DEFAULT_BUDGET})",
    )
    args = parser.parse_args()

    if not BUILT_FILE.exists():
        print(f"{BUILT_FILE} is missing. Run 'make widget' first.", file=sys.stderr)
        return 1
    raw = BUILT_FILE.read_bytes()
    # mtime=0 keeps the gzip header, and so the count, the same on every run.
    size = len(gzip.compress(raw, compresslevel=9, mtime=0))

    print(f"widget size: {BUILT_FILE.name} (JavaScript with its CSS inside)")
    print(f"  minified:     {len(raw):>6} bytes")
    print(f"  gzip -9:      {size:>6} bytes")
    print(f"  budget:       {args.budget:>6} bytes ({args.budget - size} bytes left)")
    if size > args.budget:
        print(
            f"The widget is {size - args.budget} bytes over its budget. Make it "
            "smaller, or raise the budget in bench/widget_size.py with a reason.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
