"""The fixed values of the register, declared once: the services check them, the command line
offers them as choices (a wrong value is a usage error listing them), the JSON carries them,
and a test holds the migrations' CHECK constraints to them."""

from enum import StrEnum


class RegistrationStatus(StrEnum):
    WAITING = "waiting"
    PLACED = "placed"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"


class GroupStatus(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    ENDED = "ended"


class Outcome(StrEnum):
    """How a follow-up found the group."""

    OK = "ok"
    NEEDS_SUPPORT = "needs-support"
    ENDING = "ending"


class Gender(StrEnum):
    """For the yearly statistics only."""

    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"


class Role(StrEnum):
    STARTER = "starter"
    COORDINATOR = "coordinator"


# What a coordinator may type for a value besides its English name, in Swedish and Norwegian,
# whatever the interface language (a Norwegian typing "kvinne" means woman on any computer).
# Compared ignoring case, with spaces read as hyphens. Scripts and JSON keep the English values.
WORDS: dict[type[StrEnum], dict[str, str]] = {
    Gender: {
        "kvinna": "woman", "kvinne": "woman",
        "man": "man", "mann": "man",
        "annat": "other", "annan": "other", "annet": "other", "annen": "other",
    },
    Outcome: {
        "bra": "ok",
        "behöver-stöd": "needs-support", "stöd": "needs-support",
        "trenger-støtte": "needs-support", "støtte": "needs-support",
        "avslutas": "ending", "slutar": "ending", "avsluttes": "ending", "slutter": "ending",
    },
    RegistrationStatus: {
        "väntar": "waiting", "väntande": "waiting", "venter": "waiting", "ventende": "waiting",
        "placerad": "placed", "placerade": "placed", "plassert": "placed",
        "avanmäld": "withdrawn", "avanmälda": "withdrawn", "återtagen": "withdrawn",
        "avmeldt": "withdrawn", "trukket": "withdrawn",
        "hänvisad": "referred", "hänvisade": "referred", "henvist": "referred",
        "alla": "all", "alle": "all",  # the lists' filter for every status
    },
    GroupStatus: {
        "startar": "starting", "startas": "starting", "starter": "starting",
        "pågår": "running", "pågående": "running", "går": "running",
        "avslutad": "ended", "avslutade": "ended", "avsluttet": "ended", "avsluttede": "ended",
    },
    Role: {
        "igångsättare": "starter", "igangsetter": "starter",
        "samordnare": "coordinator", "koordinator": "coordinator",
    },
}  # fmt: skip


def typed_value(kind: type[StrEnum], text: str) -> str:
    """The English value `text` names among `kind`'s, as typed in English, Swedish or
    Norwegian ("Kvinna" -> "woman"); `text` itself when it names none (the caller refuses it)."""
    key = "-".join(text.casefold().split())
    return WORDS.get(kind, {}).get(key, key if key in {m.value for m in kind} else text)
