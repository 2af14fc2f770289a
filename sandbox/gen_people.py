"""Invented people: display names are made-up combinations, never real persons."""

from __future__ import annotations

import random

from sandbox.credentials import ATLASSIAN_EMAIL
from sandbox.model import Person
from sandbox.timefmt import account_id

_FIRST = (
    "Alia",
    "Bren",
    "Cato",
    "Dalia",
    "Emrys",
    "Fenna",
    "Galen",
    "Hesper",
    "Ilse",
    "Joren",
    "Kaia",
    "Lorcan",
    "Mirela",
    "Nesta",
    "Orin",
    "Pella",
    "Quill",
    "Rhosyn",
    "Sorin",
    "Tamsin",
    "Ulla",
    "Vesna",
    "Wren",
    "Yara",
    "Zeno",
    "Anouk",
    "Bastian",
    "Cosima",
    "Deniz",
    "Elio",
    "Frida",
    "Gideon",
    "Hanne",
    "Ivo",
    "Juna",
    "Kasimir",
)
_LAST = (
    "Ardenne",
    "Bellweather",
    "Corrin",
    "Dunmore",
    "Eskildsen",
    "Fairclough",
    "Galloway",
    "Halvorsen",
    "Ingram",
    "Jaskari",
    "Kestrel",
    "Lindqvist",
    "Marchetti",
    "Novikova",
    "Okonjo",
    "Pemberton",
    "Quarry",
    "Rasmussen",
    "Solberg",
    "Thorne",
    "Uriarte",
    "Vandersloot",
    "Whitlock",
    "Yilmazer",
    "Zabrisky",
    "Achterberg",
    "Brightwater",
)
_TIME_ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney")

BOT_NAME = "PMO Sandbox"


def make_people(rng: random.Random, count: int) -> tuple[Person, ...]:
    """`count` distinct people plus, first, the PMO account that owns the API credentials."""
    people = [
        Person(
            account_id=account_id(rng),
            trello_id=f"5a{rng.getrandbits(88):022x}",
            display_name=BOT_NAME,
            username="pmosandbox",
            email=ATLASSIAN_EMAIL,
            time_zone="UTC",
        )
    ]
    names: set[str] = set()
    while len(people) < count + 1:
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if name in names:
            continue
        names.add(name)
        first, last = name.lower().split(" ")
        people.append(
            Person(
                account_id=account_id(rng),
                # Trello member ids are ObjectIds too; their timestamp is the sign-up second.
                trello_id=f"5{rng.randrange(0x9000000, 0xFFFFFFF):07x}{rng.getrandbits(64):016x}",
                display_name=name,
                username=f"{first}{last}{rng.randrange(10, 99)}",
                email=f"{first}.{last}@sandbox.pmhub.invalid",
                time_zone=rng.choice(_TIME_ZONES),
            )
        )
    return tuple(people)
