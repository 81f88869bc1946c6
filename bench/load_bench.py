"""Load: many cheap drafts from several tokens while one token posts expensive documents.

Issue 8's load case, on PostgreSQL + Redis with two worker processes: cheap drafts (the
reference draft, a new version each time) go to 10 strategies from 10 tokens at once,
while one more token posts generated L documents (160 pages). Prints the cheap drafts'
post → ready p50 and p95, idle and under that load, and their ratio (issue 8's goal:
at most 3×), builds per minute, 5xx answers and whether every strategy's versions run
1..n without a gap. `make bench` runs a small round; `python -m bench.load_bench
--cheap 200 --expensive 10` the issue's full size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from bench.generate import generate
from tests.app_fixtures import example_data
from tests.live_service import LiveService, live_service

STRATEGIES = 10
POLL_SECONDS = 0.5


def _cheap(slug: str, n: int) -> bytes:
    data = example_data("udkast-1", slug)
    data["document"]["title"] = f"{data['document']['title']} ({n})"
    return yaml.safe_dump(data, allow_unicode=True).encode()


def _expensive(n: int) -> bytes:
    data = generate("L", seed=300 + n)
    data["document"]["slug"] = f"dyr-{n}"
    return yaml.safe_dump(data, allow_unicode=True).encode()


def _post(service: LiveService, body: bytes, token: str) -> tuple[int, float, str | None]:
    """Post a draft; return the status, when it was sent (epoch s) and its build's URL."""
    sent = time.time()
    status, _, raw = service.call(
        "POST", "/api/v1/drafts", body, media_type="application/yaml", token=token
    )
    url = json.loads(raw)["build"]["links"]["self"] if status in (200, 202) else None
    return status, sent, url


def _ready(service: LiveService, url: str) -> float:
    """Wait for a build to end; return when it finished (epoch s, the server's clock)."""
    while True:
        _, build = service.json("GET", url)
        if build["state"] in ("done", "failed"):
            stamp = build["finished_at"].replace("Z", "+00:00")
            return dt.datetime.fromisoformat(stamp).timestamp()
        time.sleep(POLL_SECONDS)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(cheap: int, expensive: int) -> dict[str, Any]:
    """Run the idle round and the loaded round on one service; return the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        for service in live_service("services", Path(tmp)):
            tokens = [service._run("udkast", "token", "create", f"last-{i}") for i in range(11)]
            idle = []
            for n in range(5):  # one at a time: what a person waits for on a quiet day
                status, sent, url = _post(service, _cheap("stille", n), tokens[0])
                if url is None:
                    raise RuntimeError(f"an idle post answered {status}")
                idle.append(_ready(service, url) - sent)
            start = time.time()
            jobs = [
                ("cheap", _cheap(f"last-{n % STRATEGIES}", n), tokens[n % STRATEGIES])
                for n in range(cheap)
            ]
            step = max(1, cheap // max(1, expensive))
            for n in range(expensive):  # spread through the cheap ones, from one token
                jobs.insert(n * (step + 1), ("expensive", _expensive(n), tokens[10]))

            def send(job: tuple[str, bytes, str], to: LiveService = service) -> Any:
                return (job[0], *_post(to, job[1], job[2]))

            with ThreadPoolExecutor(max_workers=16) as pool:
                posted = list(pool.map(send, jobs))
            ready = {url: _ready(service, url) for _, _, _, url in posted if url}
            minutes = (max(ready.values()) - start) / 60
            loaded = [ready[url] - sent for kind, _, sent, url in posted if kind == "cheap" and url]
            _, listing = service.json("GET", "/api/v1/strategies")
            gaps = []
            for entry in listing["strategies"]:
                _, history = service.json("GET", f"/api/v1/strategies/{entry['slug']}/drafts")
                versions = sorted(d["version"] for d in history["drafts"])
                if versions != list(range(1, len(versions) + 1)):
                    gaps.append(entry["slug"])
            return {
                "posts": len(posted),
                "server_errors": sum(1 for _, status, _, _ in posted if status >= 500),
                "gaps": gaps,
                "idle_p50_s": round(statistics.median(idle), 2),
                "idle_p95_s": round(_percentile(idle, 0.95), 2),
                "loaded_p50_s": round(statistics.median(loaded), 2),
                "loaded_p95_s": round(_percentile(loaded, 0.95), 2),
                "p95_ratio": round(_percentile(loaded, 0.95) / _percentile(idle, 0.95), 1),
                "builds_per_minute": round(len(ready) / minutes, 1),
            }
    raise RuntimeError("PostgreSQL and Redis are needed for the load bench")


def main(cheap: int = 40, expensive: int = 4) -> dict[str, Any]:
    """Print and return the load figures."""
    figures = measure(cheap, expensive)
    print(
        f"\nLoad (PostgreSQL + Redis, 2 worker processes): {figures['posts']} posts "
        f"({expensive} L documents from one token), {figures['server_errors']} 5xx, "
        f"gaps {figures['gaps'] or 'none'}\n"
        f"cheap drafts post → ready: idle p50 {figures['idle_p50_s']} s p95 "
        f"{figures['idle_p95_s']} s; loaded p50 {figures['loaded_p50_s']} s p95 "
        f"{figures['loaded_p95_s']} s ({figures['p95_ratio']}× idle; goal ≤ 3×); "
        f"{figures['builds_per_minute']} builds/min"
    )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cheap", type=int, default=40)
    parser.add_argument("--expensive", type=int, default=4)
    args = parser.parse_args()
    main(args.cheap, args.expensive)
