"""`python -m tests.synthetic_kb --factor 10 OUT`: a SYNTHETIC knowledge base N times today's size.

For benchmarks only. It copies `knowledge/` (so every real question still has its answer) and
adds made-up exhibitors, sessions and industrial parks in Chinese, English and Italian, with as
many sample questions per entry as the real ones (typos, pinyin-free short forms, mixed
languages), until the base has `factor` times today's entries. Every made-up entry says it is
synthetic (`id: synthetic-…`, `source: synthetic benchmark data`), and the script refuses to
write into the repository's `knowledge/`. Deterministic: the same factor gives the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
SOURCE = {"zh": "合成基准数据（自动生成）", "en": "synthetic benchmark data (generated)",
          "it": "dati sintetici per benchmark (generati)"}  # fmt: skip

# Latin syllable → a Chinese transliteration, so a made-up name has both forms.
SYLLABLES = {
    "ve": "维", "lo": "洛", "ta": "塔", "ri": "里", "no": "诺", "ca": "卡", "mi": "米", "sa": "萨",
    "ro": "罗", "ge": "杰", "bi": "比", "da": "达", "fe": "费", "lu": "卢", "ma": "马", "te": "特",
    "si": "西", "ne": "内", "pa": "帕", "go": "戈", "li": "利", "va": "瓦", "to": "托", "ze": "泽",
}  # fmt: skip
CITIES = [("Torino", "都灵", "Torino"), ("Milan", "米兰", "Milano"), ("Bologna", "博洛尼亚", "Bologna"),
          ("Stuttgart", "斯图加特", "Stoccarda"), ("Lyon", "里昂", "Lione"),
          ("Munich", "慕尼黑", "Monaco di Baviera"),
          ("Naples", "那不勒斯", "Napoli"), ("Genoa", "热那亚", "Genova"), ("Nanjing", "南京", "Nanchino"),
          ("Suzhou", "苏州", "Suzhou"), ("Wuxi", "无锡", "Wuxi"),
          ("Rotterdam", "鹿特丹", "Rotterdam")]  # fmt: skip
SECTORS = [("aerospace components", "航空航天零部件", "componenti aerospaziali"),
           ("industrial robotics", "工业机器人", "robotica industriale"),
           ("electric vehicle batteries", "电动汽车电池", "batterie per veicoli elettrici"),
           ("medical devices", "医疗器械", "dispositivi medici"),
           ("precision machinery", "精密机械", "meccanica di precisione"),
           ("food processing", "食品加工", "trasformazione alimentare"),
           ("new materials", "新材料", "nuovi materiali"),
           ("software for factories", "工厂软件", "software per fabbriche"),
           ("solar energy", "太阳能", "energia solare"),
           ("textile machinery", "纺织机械", "macchine tessili")]  # fmt: skip
ROOMS = ["A", "B", "C", "D", "E"]


@dataclass
class Fake:
    """One made-up thing, named in the three languages."""

    number: int
    latin: str
    han: str
    city: tuple[str, str, str]
    sector: tuple[str, str, str]
    booth: str
    hour: int
    staff: int
    founded: int


def _fake(number: int, rng: random.Random) -> Fake:
    parts = rng.sample(list(SYLLABLES), rng.choice((3, 3, 4)))
    return Fake(
        number=number,
        latin="".join(parts).capitalize(),
        han="".join(SYLLABLES[part] for part in parts),
        city=rng.choice(CITIES),
        sector=rng.choice(SECTORS),
        booth=f"{rng.choice(ROOMS)}{rng.randint(1, 60)}",
        hour=rng.randint(9, 17),
        staff=rng.randint(12, 4800),
        founded=rng.randint(1950, 2021),
    )


def _typo(word: str, rng: random.Random) -> str:
    """The word with one letter dropped or two swapped, as typed on a phone."""
    at = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:at] + word[at + 1 :]
    return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]


def _company(fake: Fake, rng: random.Random) -> dict[str, tuple[str, str, list[str]]]:
    """lang → (title, body, sample questions) of an exhibitor profile."""
    name, han, low = fake.latin, fake.han, fake.latin.lower()
    city, sector = fake.city, fake.sector
    typo = _typo(low, rng)
    return {
        "en": (
            f"{name} (exhibitor)",
            f"{name} is an exhibitor from {city[0]} working in {sector[0]}. Founded in {fake.founded}, it "
            f"employs about {fake.staff} people. Its stand is {fake.booth} in the exhibition hall, and its "
            f"representatives present the company at {fake.hour}:00 on the exhibition day.",
            [f"What is {name}?", f"Tell me about {name}", f"Where is {name} from?",
             f"what does {low} do", f"{low}?", f"{low} booth", f"where is the {low} stand",
             f"how many employees does {name} have", f"when was {low} founded",
             f"{typo} company", f"when does {name} present", f"is {low} in {sector[0]}",
             f"{han} company"],
        ),
        "zh": (
            f"{han}（{name}）参展企业",
            f"{han}（{name}）是来自{city[1]}的参展企业，主营{sector[1]}。公司成立于{fake.founded}年，"
            f"员工约{fake.staff}人。展位在展厅{fake.booth}，企业代表于展览当天{fake.hour}点介绍公司情况。",
            [f"{han}是什么公司？", f"介绍一下{han}", f"{han}来自哪里", f"{han}做什么的",
             f"{han}？", f"{han}展位在哪", f"{han}的展台", f"{han}有多少员工",
             f"{han}哪年成立的", f"{name}是哪家公司", f"{han}几点介绍", f"{han}是做{sector[1]}的吗",
             f"{low}公司"],
        ),
        "it": (
            f"{name} (espositore)",
            f"{name} è un espositore di {city[2]} attivo nel settore {sector[2]}. Fondata nel "
            f"{fake.founded}, conta circa {fake.staff} dipendenti. Il suo stand è il {fake.booth} nel "
            f"padiglione espositivo e i suoi rappresentanti presentano l'azienda alle {fake.hour}:00.",
            [f"Che cos'è {name}?", f"Mi parli di {name}", f"Di dove è {name}?",
             f"cosa fa {low}", f"{low}?", f"stand {low}", f"dov'e lo stand di {low}",
             f"quanti dipendenti ha {name}", f"quando e stata fondata {low}",
             f"azienda {typo}", f"a che ora presenta {name}", f"{low} fa {sector[2]}?",
             f"{han} azienda"],
        ),
    }


def _session(fake: Fake, rng: random.Random) -> dict[str, tuple[str, str, list[str]]]:
    """lang → (title, body, sample questions) of a workshop in the side programme."""
    name, han, low = fake.latin, fake.han, fake.latin.lower()
    sector, room = fake.sector, fake.booth[0]
    typo = _typo("workshop", rng)
    return {
        "en": (
            f"Workshop on {sector[0]} with {name}",
            f"The side workshop on {sector[0]}, hosted by {name} from {fake.city[0]}, starts at "
            f"{fake.hour}:30 in meeting room {room}. It lasts one hour and is open to every delegate; "
            f"seats are limited to {fake.staff % 80 + 20}.",
            [f"When is the {sector[0]} workshop?", f"Where is the workshop with {name}?",
             f"{low} workshop time", f"{typo} {sector[0]}", f"which room is the {low} session",
             f"how many seats at the {low} workshop", f"can I attend the {name} workshop",
             f"{sector[0]} session?", f"who hosts the {sector[0]} workshop", f"{low} talk when",
             f"is the {low} workshop open to everyone"],
        ),
        "zh": (
            f"{sector[1]}专题研讨会（{han}）",
            f"由来自{fake.city[1]}的{han}（{name}）主持的{sector[1]}专题研讨会于{fake.hour}点30分在"
            f"{room}会议室开始，时长一小时，所有代表均可参加，座位限{fake.staff % 80 + 20}个。",
            [f"{sector[1]}研讨会几点开始？", f"{han}的研讨会在哪里", f"{han}研讨会时间",
             f"{sector[1]}研讨会在哪个会议室", f"{han}研讨会有多少座位", f"我能参加{han}的研讨会吗",
             f"{sector[1]}讲座？", f"谁主持{sector[1]}研讨会", f"{han}几点讲", f"{name} workshop几点",
             f"{han}研讨会对所有人开放吗"],
        ),
        "it": (
            f"Workshop su {sector[2]} con {name}",
            f"Il workshop su {sector[2]}, tenuto da {name} di {fake.city[2]}, inizia alle {fake.hour}:30 "
            f"nella sala riunioni {room}. Dura un'ora ed è aperto a tutti i delegati; i posti sono "
            f"{fake.staff % 80 + 20}.",
            [f"Quando c'è il workshop su {sector[2]}?", f"Dove si tiene il workshop di {name}?",
             f"orario workshop {low}", f"{typo} {sector[2]}", f"in che sala e il workshop {low}",
             f"quanti posti al workshop di {low}", f"posso partecipare al workshop di {name}",
             f"sessione {sector[2]}?", f"chi tiene il workshop su {sector[2]}", f"{low} a che ora",
             f"il workshop {low} e aperto a tutti"],
        ),
    }


KINDS = {"company": ("enterprises", _company), "session": ("event", _session)}


def _write_entry(
    folder: Path, entry_id: str, topic: str, lang: str, content: tuple[str, str, list[str]]
) -> None:
    title, body, questions = content
    front = {
        "id": entry_id,
        "lang": lang,
        "topic": topic,
        "title": title,
        "source": SOURCE[lang],
        "updated": dt.date(2026, 11, 30),
        "questions": questions,
    }
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    (folder / f"{entry_id}.{lang}.md").write_text(f"---\n{header}---\n{body}\n", encoding="utf-8")


def generate(out: Path, factor: int, seed: int = 13) -> int:
    """Write today's knowledge plus synthetic entries into `out` (factor × the entries); return
    how many synthetic entries (each in three languages) were added."""
    out = out.resolve()
    if out == KNOWLEDGE or KNOWLEDGE in out.parents or out in KNOWLEDGE.parents:
        raise ValueError("synthetic knowledge never goes into (or around) the repository's knowledge/")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(KNOWLEDGE, out)
    entries = out / "entries"
    real = len({path.name.split(".")[0] for path in entries.glob("*.md")})
    rng = random.Random(seed)
    extra = real * (factor - 1)
    for number in range(extra):
        kind = "company" if number % 3 else "session"
        topic, make = KINDS[kind]
        fake = _fake(number, rng)
        entry_id = f"synthetic-{kind}-{number:06d}-{fake.latin.lower()}"
        for lang, content in make(fake, rng).items():
            _write_entry(entries, entry_id, topic, lang, content)
    (out / "SYNTHETIC.txt").write_text(
        f"Synthetic benchmark knowledge: today's {real} entries plus {extra} made-up ones "
        f"(factor {factor}, seed {seed}). Not real information.\n",
        encoding="utf-8",
    )
    return extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.synthetic_kb", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write (replaced), outside knowledge/")
    parser.add_argument("--factor", type=int, default=10, help="times today's number of entries")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    if args.factor < 1:
        parser.error("--factor must be at least 1")
    added = generate(args.out, args.factor, args.seed)
    print(f"{args.out}: {added} synthetic entries added (×{args.factor})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
