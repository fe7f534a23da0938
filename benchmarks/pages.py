"""Requests per second and p50/p95 of the sign-in page and of a minimal template page
(/en/status), under gunicorn on loopback, measured in the same run. Prints; asserts nothing.

    .venv/bin/python benchmarks/pages.py [--duration 10] [--concurrency 10] [--workers 3]
"""
from __future__ import annotations

import argparse

from _harness import gunicorn, header, prepare_database, print_table, run_load


def page(path: str, label: str):
    def scenario(session, base):
        response = session.get(base + path)
        return label, response.status_code == 200
    return scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    header(args.workers)
    url = prepare_database(args.database_url)
    with gunicorn(url, workers=args.workers) as base:
        status = run_load(base, page("/en/status", "status (minimal)"), concurrency=args.concurrency, duration=args.duration)
        print_table("Minimal template page", status)
        sign_in = run_load(base, page("/en/sign-in", "sign-in"), concurrency=args.concurrency, duration=args.duration)
        print_table("Sign-in page", sign_in)
    print(f"\nratio sign-in / minimal page (req/s): {sign_in.rps('sign-in') / status.rps('status (minimal)'):.2f}")


if __name__ == "__main__":
    main()
