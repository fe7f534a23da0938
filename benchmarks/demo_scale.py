"""Bulk demo data on SQLite: how long `build_scale` takes for N clients (10 responses each).

    .venv/bin/python benchmarks/demo_scale.py            # 100,000 clients, 1,000,000 responses
    .venv/bin/python benchmarks/demo_scale.py 20000 --keep

Makes a temporary SQLite file, migrates it, runs the bulk builder, prints the rows per table
and the seconds taken (migration not included), then deletes the file unless --keep.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import demo
from portal.db import make_engine, writing
from portal.migrate import upgrade


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clients", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--keep", action="store_true", help="keep the database file and print its path")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="mhisf-scale-"))
    path = folder / "scale.sqlite3"
    url = f"sqlite:///{path}"
    try:
        upgrade(url)
        engine = make_engine(url)
        started = time.perf_counter()
        with writing():
            counts = demo.build_scale(engine, clients=args.clients, seed=args.seed)
        seconds = time.perf_counter() - started
        engine.dispose()
        total = sum(counts.values())
        width = max(map(len, counts))
        for table, rows in counts.items():
            print(f"{table:<{width}}  {rows:>10,}")
        print(f"{'total rows':<{width}}  {total:>10,}")
        print(f"{seconds:.1f} s  ({total / seconds:,.0f} rows/s, {path.stat().st_size / 2**20:,.0f} MiB)")
        if args.keep:
            print(path)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
