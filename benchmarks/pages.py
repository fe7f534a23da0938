"""Requests per second and p50/p95 of the sign-in page and of a minimal template page
(/en/status), under gunicorn on loopback, taking turns in one run (so both see the same
machine) for their ratio. Prints; asserts nothing.

    .venv/bin/python benchmarks/pages.py [--duration 10] [--turn 5] [--concurrency 10] [--workers 3]
"""
from __future__ import annotations

import argparse

from _harness import gunicorn, header, prepare_database, print_table, run_in_turns


def fetch(path: str):
    def scenario(session, base) -> bool:
        return session.get(base + path).status_code == 200
    return scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=10, help="seconds for each page (default 10)")
    parser.add_argument("--turn", type=float, default=5, help="seconds a page has before the other's turn (default 5)")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    header(args.workers)
    url = prepare_database(args.database_url)
    pages = {"status (minimal)": fetch("/en/status"), "sign-in": fetch("/en/sign-in")}
    with gunicorn(url, workers=args.workers) as base:
        result, cpu_ms, conditions = run_in_turns(base, pages, concurrency=args.concurrency,
                                                  duration=len(pages) * args.duration, turn=args.turn)
    print_table(f"Minimal template page and sign-in page, taking turns every {args.turn:g} s", result, total=False)
    print(conditions)
    print(f"\nratio sign-in / minimal page (req/s): {result.rps('sign-in') / result.rps('status (minimal)'):.2f}; "
          f"server CPU per request: sign-in {cpu_ms['sign-in']:.1f} ms, minimal {cpu_ms['status (minimal)']:.1f} ms")


if __name__ == "__main__":
    main()
