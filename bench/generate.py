"""Generate Danish-looking strategy documents of a given size for benchmarks."""

from __future__ import annotations

import random
from typing import Any

WORDS = (
    "borger borgerne indsats indsatser fællesskab medarbejdere ledelse faglighed samarbejde "
    "kommune forvaltning tilbud botilbud uddannelse beskæftigelse netværk relationer trivsel "
    "sundhed ulighed dialog tillid dokumentation udvikling metode metoder kvalitet ressourcer "
    "civilsamfundet regionen virksomheder frivillige handicap psykiske vanskeligheder unge "
    "ældre hverdag mening struktur mål data viden læring praksis lokal fælles tværgående "
    "og i at det er til for med på som vi de en et der har skal kan vil af om ikke også "
    "mere flere bedre styrke sikre skabe arbejde bruge lære dele give tage finde"
).split()

# Target words per size; the page counts are what the default theme makes of them.
SIZES = {"S": 2_100, "M": 13_000, "L": 69_000}


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(_sentence(rng))
    return " ".join(out)


def _rich(rng: random.Random, words: int) -> str:
    parts: list[str] = []
    done = 0
    while done < words:
        size = min(rng.randint(60, 140), words - done + 10)
        para = _paragraph(rng, size)
        if rng.random() < 0.15:
            para = para.replace(" og ", " **og** ", 1)
        parts.append(para)
        done += len(para.split())
        if rng.random() < 0.1:
            parts.append("\n".join(f"- {_sentence(rng)}" for _ in range(3)))
    return "\n\n".join(parts)


def generate(size: str, seed: int = 1) -> dict[str, Any]:
    """Return strategy/v1 data of about SIZES[size] words."""
    rng = random.Random(seed)
    total = SIZES[size]
    n_visions = 4 if size == "S" else 8
    vision_words = min(350, total // (n_visions * 2))
    visions = [
        {
            "id": f"vision-{i}",
            "title": f"Vision {i}: {rng.choice(WORDS).capitalize()}",
            "headline": _sentence(rng)[:60].rstrip("."),
            "body": _rich(rng, vision_words),
            "commitments": [_sentence(rng) for _ in range(3)],
        }
        for i in range(1, n_visions + 1)
    ]
    remaining = total - n_visions * vision_words
    n_sections = max(1, min(30, remaining // 2500 + 1))
    sections = [
        {"id": f"afsnit-{i}", "title": f"Afsnit {i}", "body": _rich(rng, remaining // n_sections)}
        for i in range(1, n_sections + 1)
    ]
    indicators = [
        {
            "id": f"indikator-{i}",
            "vision": f"vision-{(i % n_visions) + 1}",
            "indicator": _sentence(rng),
            "baseline": f"{rng.randint(5, 90)} % (2017)",
            "target": rng.choice(["Stigende", "Faldende", "75 % i 2020"]),
            "data_source": "Sagsbehandlingssystemet",
        }
        for i in range(1, n_visions * 3 + 1)
    ]
    timeline = [
        {"date": f"2018-{m:02d}-15", "event": _sentence(rng), "state": "planned"}
        for m in range(1, 13)
    ]
    consultation = [
        {
            "id": f"input-{i}",
            "from": rng.choice(["HovedMED", "FællesMED", "Handicaprådet"]),
            "date": "2018-03-02",
            "input": _sentence(rng),
            "response": _sentence(rng),
            "status": rng.choice(["incorporated", "partly", "declined", "pending"]),
            "affects": [f"vision-{rng.randint(1, n_visions)}"],
        }
        for i in range(1, 11)
    ]
    return {
        "format": "strategy/v1",
        "document": {
            "slug": f"bench-{size.lower()}",
            "title": f"Benchmarkstrategi {size}",
            "organisation": "Socialforvaltningen",
            "language": "da",
            "status": "draft",
            "draft_label": "Udkast 1",
            "date": "2018-03-02",
        },
        "foreword": _rich(rng, 200),
        "visions": visions,
        "signs_of_success": indicators,
        "sections": sections,
        "timeline": timeline,
        "consultation": consultation,
    }


def word_count(data: dict[str, Any]) -> int:
    """Count the words of every string in the data."""
    if isinstance(data, str):
        return len(data.split())
    if isinstance(data, dict):
        return sum(word_count(v) for v in data.values())
    if isinstance(data, list):
        return sum(word_count(v) for v in data)
    return 0
