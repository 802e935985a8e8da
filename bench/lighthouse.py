"""Lighthouse 11 (mobile preset) on the resident PWA, and its first-load transfer.

    cd pwa && npm run build && cd ..
    .venv/bin/python bench/lighthouse.py            # both pages, 1 run each
    .venv/bin/python bench/lighthouse.py --runs 3   # median of three

Starts `bianmin serve` on 127.0.0.1 with an empty data directory (demo data), then
runs `npx --yes lighthouse@11.7.1` with Debian's Chromium (CHROME_PATH) twice:

- `signin`: `/` as a first-time visitor sees it (sign-in and the receipt lookup);
- `home`: the resident home signed in. Lighthouse cannot sign in, so a Chromium
  profile gets the session in localStorage first (on /healthz, so no service
  worker or cached file is left behind) and Lighthouse runs on that profile with
  `--disable-storage-reset`: a cold load in every other respect.

Prints the four category scores, whether the app is installable, and the bytes
transferred per resource type (HTML + JS + CSS is the 60 KB gzip budget; the
locale texts are fetched as JSON and counted separately). Only 127.0.0.1 is
contacted; Chromium runs with background networking off.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchlib import free_port

REPO = Path(__file__).resolve().parents[1]
BIANMIN = Path(sys.executable).parent / "bianmin"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LIGHTHOUSE = "lighthouse@11.7.1"
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESIDENT = "13800000001"
CATEGORIES = ["performance", "accessibility", "best-practices", "pwa"]
BUDGET_TYPES = {"Document", "Script", "Stylesheet"}
BUDGET_BYTES = 60 * 1024


def wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bianmin serve did not answer at {url}")


def session_for(url: str, env: dict, data_dir: Path) -> dict:
    token = subprocess.run(
        [str(BIANMIN), "token", RESIDENT], env=env, cwd=data_dir, capture_output=True, text=True, check=True
    ).stdout.strip()
    request = urllib.request.Request(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return {"access_token": token, "user": json.load(answer)}


def signed_in_profile(url: str, session: dict, profile: Path) -> None:
    """A Chromium profile whose localStorage holds the session, and nothing else of the app."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROME_FLAGS
        )
        page = context.new_page()
        page.goto(f"{url}/healthz")
        page.evaluate(
            "s => { localStorage.setItem('bianmin.session', JSON.stringify(s));"
            " localStorage.setItem('bianmin.locale', 'zh-Hans'); }",
            session,
        )
        context.close()


def lighthouse(url: str, out: Path, profile: Path | None) -> dict:
    flags = list(CHROME_FLAGS)
    extra = []
    if profile is not None:
        flags.append(f"--user-data-dir={profile}")
        extra.append("--disable-storage-reset")
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--form-factor=mobile",
        f"--chrome-flags={' '.join(flags)}",
        *extra,
    ]
    subprocess.run(command, cwd=REPO / "pwa", env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def summarize(report: dict) -> dict:
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    installable = report["audits"]["installable-manifest"]["score"] == 1
    by_type: dict[str, int] = {}
    files = []
    for item in report["audits"]["network-requests"]["details"]["items"]:
        kind = item.get("resourceType") or "Other"
        by_type[kind] = by_type.get(kind, 0) + int(item.get("transferSize") or 0)
        files.append((kind, item["url"].split("/", 3)[-1][:60], int(item.get("transferSize") or 0)))
    budget = sum(size for kind, size in by_type.items() if kind in BUDGET_TYPES)
    failing = sorted(
        (audit["id"], audit["score"])
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
    )
    metrics = {
        key: report["audits"][key]["numericValue"]
        for key in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
        )
    }
    return {
        "scores": scores,
        "installable": installable,
        "by_type": by_type,
        "budget_bytes": budget,
        "files": files,
        "failing": failing,
        "metrics": metrics,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()
    if not (REPO / "pwa" / "dist" / "index.html").is_file():
        raise SystemExit("build the PWA first: cd pwa && npm run build")
    if not shutil.which("npx"):
        raise SystemExit("npx (Node.js) is needed")

    work = Path(tempfile.mkdtemp(prefix="bianmin-lighthouse-"))
    data_dir = work / "data"
    data_dir.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(BIANMIN_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    with (work / "server.log").open("w") as log:
        server = subprocess.Popen(
            [str(BIANMIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=data_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(url)
        session = session_for(url, env, data_dir)
        results = {}
        for page in ("signin", "home"):
            runs = []
            for run in range(args.runs):
                profile = None
                if page == "home":
                    profile = work / f"profile-{run}"
                    signed_in_profile(url, session, profile)
                out = (args.keep or work) / f"lighthouse-{page}-{run + 1}.json"
                out.parent.mkdir(parents=True, exist_ok=True)
                runs.append(summarize(lighthouse(f"{url}/", out, profile)))
            results[page] = runs
        report(results)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(results: dict) -> None:
    for page, runs in results.items():
        median = {name: statistics.median(r["scores"][name] for r in runs) for name in CATEGORIES}
        last = runs[-1]
        print(f"\n== {page} ({len(runs)} run{'s' if len(runs) > 1 else ''}) ==")
        print(
            "scores (median):",
            ", ".join(f"{name} {median[name]:g}" for name in CATEGORIES),
            "| installable:",
            all(r["installable"] for r in runs),
        )
        print(
            "metrics (last run, ms):",
            ", ".join(
                f"{k} {v:.0f}" if k != "cumulative-layout-shift" else f"CLS {v:.3f}" for k, v in last["metrics"].items()
            ),
        )
        budget = last["budget_bytes"]
        verdict = "within" if budget <= BUDGET_BYTES else "OVER"
        print(f"HTML + JS + CSS transferred: {budget} B ({budget / 1024:.1f} KB, {verdict} the 60 KB budget)")
        print("by type:", ", ".join(f"{kind} {size} B" for kind, size in sorted(last["by_type"].items())))
        for kind, name, size in last["files"]:
            print(f"  {kind:<12} {size:>7} B  {name}")
        if last["failing"]:
            print("audits below 1:", ", ".join(f"{audit_id} ({score})" for audit_id, score in last["failing"]))


if __name__ == "__main__":
    main()
