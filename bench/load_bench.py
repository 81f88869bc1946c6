"""Load: many cheap drafts from several tokens while one token posts expensive documents.

Issue 8's load case, on PostgreSQL + Redis with the workers `udkast serve` starts (two
renders at a time for ordinary drafts, one for heavy documents): cheap drafts (the
reference draft, a new version each time) go to 10 strategies from 10 tokens, while one
more token posts generated L documents (160 pages). Prints the cheap drafts' post →
ready p50 and p95 as a steady stream against idle, and as a burst with the L documents
against the same burst alone (issue 8's goal: at most 3×), builds per minute, 5xx
answers and whether every strategy's versions run 1..n without a gap. `make bench` runs
a small round; `python -m bench.load_bench --cheap 200 --expensive 10` the issue's full
size.
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


def _p95(values: list[float]) -> float:
    return round(_percentile(values, 0.95), 2)


def _round(
    service: LiveService,
    tokens: list[str],
    cheap: int,
    expensive: int,
    tag: str,
    *,
    every: float = 0.0,
) -> dict[str, Any]:
    """Post cheap drafts and L documents as one round of load; return its figures.

    The cheap ones come from 10 tokens, all at once or one per `every` seconds; the L
    documents from the eleventh.
    """
    start = time.time()
    heavy = [("expensive", _expensive(n), tokens[10]) for n in range(expensive)]
    light = [
        ("cheap", _cheap(f"{tag}-{n % STRATEGIES}", n), tokens[n % STRATEGIES])
        for n in range(cheap)
    ]

    def send(job: tuple[str, bytes, str], to: LiveService = service) -> Any:
        return (job[0], *_post(to, job[1], job[2]))

    with ThreadPoolExecutor(max_workers=16) as pool:
        if every:  # a steady stream: the heavy ones first, then a cheap one now and then
            posted = list(pool.map(send, heavy))
            for job in light:
                posted.append(send(job))
                time.sleep(every)
        else:  # a burst: the heavy ones spread through the cheap ones
            jobs = list(light)
            step = max(1, cheap // max(1, expensive))
            for n, job in enumerate(heavy):
                jobs.insert(n * (step + 1), job)
            posted = list(pool.map(send, jobs))
    ready = {url: _ready(service, url) for _, _, _, url in posted if url}
    minutes = (max(ready.values()) - start) / 60
    waits = [ready[url] - sent for kind, _, sent, url in posted if kind == "cheap" and url]
    return {
        "server_errors": sum(1 for _, status, _, _ in posted if status >= 500),
        "p50_s": round(statistics.median(waits), 2),
        "p95_s": _p95(waits),
        "builds_per_minute": round(len(ready) / minutes, 1),
    }


def measure(cheap: int, expensive: int) -> dict[str, Any]:
    """Run the idle, stream and burst rounds on one service; return the figures.

    Idle: cheap drafts one at a time. Stream: one cheap draft every 2 s while the L
    documents render (what a person posting meets while a build server posts heavy
    ones), against idle. Burst: all cheap drafts at once, alone and then with the L
    documents among them: the L documents' cost to the cheap ones, like for like.
    """
    with tempfile.TemporaryDirectory() as tmp:
        for service in live_service("services", Path(tmp)):
            tokens = [service._run("udkast", "token", "create", f"last-{i}") for i in range(11)]
            idle = []
            for n in range(5):  # one at a time: what a person waits for on a quiet day
                status, sent, url = _post(service, _cheap("stille", n), tokens[0])
                if url is None:
                    raise RuntimeError(f"an idle post answered {status}")
                idle.append(_ready(service, url) - sent)
            stream = _round(service, tokens, cheap // 2, expensive, "strom", every=2.0)
            alone = _round(service, tokens, cheap, 0, "alene")
            loaded = _round(service, tokens, cheap, expensive, "last")
            _, listing = service.json("GET", "/api/v1/strategies")
            gaps = []
            for entry in listing["strategies"]:
                _, history = service.json("GET", f"/api/v1/strategies/{entry['slug']}/drafts")
                versions = sorted(d["version"] for d in history["drafts"])
                if versions != list(range(1, len(versions) + 1)):
                    gaps.append(entry["slug"])
            idle_p95 = _p95(idle)
            return {
                "posts": 5 + cheap // 2 + 2 * cheap + 2 * expensive,
                "server_errors": sum(r["server_errors"] for r in (stream, alone, loaded)),
                "gaps": gaps,
                "idle_p50_s": round(statistics.median(idle), 2),
                "idle_p95_s": idle_p95,
                "stream": stream,
                "stream_p95_ratio": round(stream["p95_s"] / idle_p95, 1),
                "burst_alone": alone,
                "burst_loaded": loaded,
                "burst_p95_ratio": round(loaded["p95_s"] / alone["p95_s"], 1),
            }
    raise RuntimeError("PostgreSQL and Redis are needed for the load bench")


def main(cheap: int = 40, expensive: int = 4) -> dict[str, Any]:
    """Print and return the load figures."""
    f = measure(cheap, expensive)
    stream, alone, loaded = f["stream"], f["burst_alone"], f["burst_loaded"]
    print(
        f"\nLoad (PostgreSQL + Redis; a standard worker of 2 and a bulk worker of 1): "
        f"{f['posts']} posts, {f['server_errors']} 5xx, gaps {f['gaps'] or 'none'}\n"
        f"cheap drafts post → ready, p50 / p95 (goal: p95 ≤ 3× without the L documents)\n"
        f"  idle, one at a time       {f['idle_p50_s']:6} / {f['idle_p95_s']:6} s\n"
        f"  stream, {expensive} L rendering     {stream['p50_s']:6} / {stream['p95_s']:6} s"
        f"  {f['stream_p95_ratio']}× idle\n"
        f"  burst of {cheap}, alone        {alone['p50_s']:6} / {alone['p95_s']:6} s"
        f"  {alone['builds_per_minute']} builds/min\n"
        f"  burst of {cheap} + {expensive} L        {loaded['p50_s']:6} / {loaded['p95_s']:6} s"
        f"  {f['burst_p95_ratio']}× alone; {loaded['builds_per_minute']} builds/min"
    )
    return f


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cheap", type=int, default=40)
    parser.add_argument("--expensive", type=int, default=4)
    args = parser.parse_args()
    main(args.cheap, args.expensive)
