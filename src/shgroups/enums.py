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
