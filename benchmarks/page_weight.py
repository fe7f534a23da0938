"""Bytes over the wire for the plan page on a phone, first load (empty cache) and repeat
load, in Debian's chromium. Prints; asserts nothing. Target (issue): ≤ 100 KB first load.

    .venv/bin/python benchmarks/page_weight.py [--no-js]

Runs the portal under gunicorn on loopback with the demo data, signs in as the demo client
and measures every response's encoded (compressed) size as the browser received it.
"""
from __future__ import annotations

import argparse
from collections import defaultdict

from _harness import gunicorn, prepare_database
from playwright.sync_api import sync_playwright

from portal.demo import DEMO_ACCOUNTS

CLIENT = next(a for a in DEMO_ACCOUNTS if a.role == "client")
PHONE = {"width": 375, "height": 667}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _measure(page, client, url: str) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    kinds: dict[str, str] = {}

    cached: set[str] = set()

    def on_response(event):
        kinds[event["requestId"]] = event["type"]
        if event["response"].get("fromDiskCache") or event["response"].get("fromMemoryCache"):
            cached.add(event["requestId"])  # nothing crossed the network

    def on_finished(event):
        if event["requestId"] not in cached:
            sizes[kinds.get(event["requestId"], "Other")] += int(event["encodedDataLength"])

    client.on("Network.responseReceived", on_response)
    client.on("Network.loadingFinished", on_finished)
    page.goto(url, wait_until="networkidle")
    client.remove_listener("Network.responseReceived", on_response)
    client.remove_listener("Network.loadingFinished", on_finished)
    return dict(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-js", action="store_true", help="with JavaScript switched off")
    args = parser.parse_args()
    url = prepare_database()
    with gunicorn(url, workers=2) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport=PHONE, java_script_enabled=not args.no_js)
        page = context.new_page()
        page.goto(f"{base}/en/sign-in")
        page.fill("#email", CLIENT.email)
        page.fill("#password", CLIENT.password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        plan_url = page.url.replace("/support", "/plan")
        client = context.new_cdp_session(page)
        client.send("Network.enable")
        client.send("Network.clearBrowserCache")
        client.send("Network.setCacheDisabled", {"cacheDisabled": False})
        first = _measure(page, client, plan_url)
        page.goto(plan_url.replace("/plan", "/support"), wait_until="networkidle")  # elsewhere, then back
        repeat = _measure(page, client, plan_url)
        browser.close()
    print(f"plan page on a {PHONE['width']}×{PHONE['height']} phone, JavaScript {'off' if args.no_js else 'on'}")
    print(f"{'resource type':<14}{'first load':>12}{'repeat load':>13}")
    for kind in sorted(set(first) | set(repeat)):
        print(f"{kind:<14}{first.get(kind, 0) / 1024:>10.1f} KB{repeat.get(kind, 0) / 1024:>10.1f} KB")
    print(f"{'total':<14}{sum(first.values()) / 1024:>10.1f} KB{sum(repeat.values()) / 1024:>10.1f} KB   (target ≤ 100 KB first load)")


if __name__ == "__main__":
    main()
