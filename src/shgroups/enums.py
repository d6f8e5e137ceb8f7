"""The fixed values of the register, declared once: the services check them, the command line
offers them as choices (a wrong value is a usage error listing them), the JSON carries them,
and a test holds the migrations' CHECK constraints to them."""

from enum import StrEnum

from shgroups.i18n import N_


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


# What a person reads for each value, in tables, sentences and letters (translated when shown;
# the values are distinct across the kinds).
LABELS = {
    "waiting": N_("waiting"), "placed": N_("placed"), "withdrawn": N_("withdrawn"),
    "referred": N_("referred"),
    "starting": N_("starting"), "running": N_("running"), "ended": N_("ended"),
    "ok": N_("going well"), "needs-support": N_("needs support"), "ending": N_("ending"),
    "woman": N_("woman"), "man": N_("man"), "other": N_("other"),
    "starter": N_("starter"), "coordinator": N_("coordinator"),
    "all": N_("all"),  # the lists' filter for every status
    "consent": N_("consent"), "public-task": N_("public task"),  # a registration's legal basis
    # what an audited action was done to
    "registration": N_("registration"), "group": N_("group"), "theme": N_("theme"),
    "area": N_("area"), "staff": N_("staff member"), "settings": N_("settings"),
    "db": N_("register"), "purge": N_("retention rules"), "report": N_("report"),
}  # fmt: skip


# What each audited action means, in plain words for a person: the audit table, the access
# letter (scripts get the codes).
ACTIONS = {
    "registration.add": N_("registered"),
    "registration.confirm": N_("confirmed, still waiting"),
    "registration.waiting": N_("back in the queue"),
    "registration.placed": N_("placed in a group"),
    "registration.withdrawn": N_("withdrawn"),
    "registration.referred": N_("referred elsewhere"),
    "registration.expired": N_("expired: not confirmed in time"),
    "registration.left-group": N_("left a group"),
    "person.export": N_("personal data exported (access request)"),
    "person.erase": N_("identity erased"),
    "person.consent-withdrawn": N_("consent withdrawn, identity erased"),
    "person.purge": N_("identity erased by the retention rules"),
    "person.erase-again": N_("identity erased again after a restore"),
    "purge.run": N_("retention rules applied"),
    "report.write": N_("report written to a file"),
    "db.export": N_("register exported (names and contact details included)"),
    "db.export-anonymous": N_("register exported without names, contact details or notes"),
    "db.export-sealed": N_("register exported, sealed (names and contact details included)"),
    "db.export-anonymous-sealed": N_(
        "register exported, sealed, without names, contact details or notes"
    ),
    "db.backup-sealed": N_("sealed backup written (to leave the computer)"),
    "register.import": N_("registrations imported from a spreadsheet (the id: how many)"),
    "group.start": N_("group started"),
    "group.add-member": N_("member added"),
    "group.remove-member": N_("member removed"),
    "group.set": N_("group changed"),
    "group.end": N_("group ended"),
    "session.add": N_("starter session recorded"),
    "followup.add": N_("follow-up recorded"),
    "theme.add": N_("theme added"),
    "theme.rename": N_("theme renamed"),
    "theme.retire": N_("theme retired"),
    "area.add": N_("area added"),
    "staff.add": N_("staff member added"),
    "settings.set": N_("setting changed"),
    "db.restore": N_("register restored from a backup"),
    "theme.restore": N_("theme taken back into use"),
    "area.rename": N_("area renamed"),
    "area.retire": N_("area retired"),
    "area.restore": N_("area taken back into use"),
    "area.default": N_("area made the default"),
    "staff.rename": N_("staff member renamed"),
    "staff.retire": N_("staff member retired"),
    "staff.restore": N_("staff member taken back"),
    "registration.edit": N_("corrected"),
    "registration.reinstate": N_("back in the queue (reinstated)"),
    "session.remove": N_("starter session removed (recorded by mistake)"),
    "session.cancel": N_("planned starter session cancelled"),
    "session.move": N_("planned starter session moved"),
    "followup.remove": N_("follow-up removed (recorded by mistake)"),
    "calendar.export": N_("calendar exported (sessions and follow-ups, no names)"),
}


def action_label(action: str) -> str:
    """An audited action as a person reads it ("registration.add" -> "registered")."""
    from shgroups.i18n import _

    return _(ACTIONS[action]) if action in ACTIONS else action


def typed_label(value: str) -> str:
    """A value as a coordinator may type it in the interface language ("needs-support" ->
    "behöver-stöd"), for help screens: the English value itself in English."""
    from shgroups.i18n import spoken
    from shgroups.language import ENGLISH

    if spoken() == ENGLISH:
        return value
    return "-".join(label(value).split())


def label(value: str) -> str:
    """A value as a person reads it in the interface language ("waiting" -> "väntar")."""
    from shgroups.i18n import _

    return _(LABELS[value]) if value in LABELS else value


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
        "under-oppstart": "starting",
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
