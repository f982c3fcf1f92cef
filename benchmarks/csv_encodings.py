"""How long does reading a 10,000-row CSV take in each encoding the tool detects?

UTF-8 is decided by one strict decode; a file that is not UTF-8 goes through charset-normalizer
and the mojibake count of every strict reading (``sheet/read.py``, ``_detect``). This writes the
same meetings (Japanese topics for cp932 and UTF-16, German ones for cp1252) and times
``read_table`` on each, in this process:

    python benchmarks/csv_encodings.py                # 10,000 rows, median of 3
    python benchmarks/csv_encodings.py --rows 50000 --repeat 5

Done when: no encoding takes more than a second for 10,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from batch_zoom.sheet.read import read_table  # noqa: E402

TOPICS = {
    "utf-8": "新入社員研修 第{n}回 会議室A",
    "utf-8-sig": "新入社員研修 第{n}回 会議室A",
    "cp932": "新入社員研修 第{n}回 会議室A",
    "utf-16": "新入社員研修 第{n}回 会議室A",
    "utf-16-le": "新入社員研修 第{n}回 会議室A",  # no byte-order mark: detected
    "cp1252": "Übung {n} für Größe und Maße",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for encoding, topic in TOPICS.items():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(["topic", "start_time", "duration", "timezone", "host"])
            for n in range(args.rows):
                writer.writerow(
                    [topic.format(n=n), "2030-01-12 10:00", 90, "Asia/Tokyo", f"h{n % 8}@x.com"]
                )
            path = Path(folder) / f"{encoding}.csv"
            path.write_bytes(buffer.getvalue().encode(encoding))
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                table = read_table(path)
                times.append(time.perf_counter() - start)
            assert len(table.rows) == args.rows and table.rows[0].get("topic") == topic.format(n=0)
            print(
                f"{encoding:10} {path.stat().st_size / 1e6:5.1f} MB  read as {table.encoding:10} "
                f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
