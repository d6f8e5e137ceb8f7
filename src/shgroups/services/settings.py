"""County settings, stored in the database so every coordinator sharing the file sees them.

`SPEC` declares each setting once — its name, default, allowed values and meaning — and
feeds the defaults, the validation and its messages, `settings show`, the `settings set`
help and the README's table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from shgroups.errors import InvalidInput
from shgroups.i18n import _
from shgroups.names import clean
from shgroups.storage import Store
from shgroups.text import typed


class Setting(NamedTuple):
    name: str
    default: int | str
    about: Callable[[], str]  # translated when shown: the language is chosen at run time
    low: int | None = None  # whole numbers: the range allowed
    high: int | None = None
    choices: tuple[str, ...] = ()  # text: the values allowed, or any text up to `longest`
    longest: int = 100

    def rule(self) -> str:
        """What a valid value is, in plain words."""
        if isinstance(self.default, int):
            return _("a whole number from {low} to {high}").format(low=self.low, high=self.high)
        if self.choices:
            return _("one of: {values}").format(values=", ".join(self.choices))
        if self.name == "sources":
            return _("a comma-separated list, each entry at most {n} characters").format(
                n=SOURCE_LONGEST
            )
        return _("text of at most {n} characters").format(n=self.longest)


SOURCE_LONGEST = 40
# The list of sources a county starts with, in the county's language: the words a coordinator
# types (`--source vän`) and, in time, the rows of the yearly figures. Where people hear of
# self-help groups differs too: 1177 and Försäkringskassan in Sweden, Helsenorge and NAV in
# Norway.
SOURCES = {
    "sv": "vården,1177,socialtjänsten,försäkringskassan,broschyr,annons,vän,kyrkan,webben,annat",
    "nb": "fastlege,helsenorge,nav,kommunen,brosjyre,annonse,venn,kirken,nett,annet",
    "en": "healthcare,1177,social-services,social-insurance,brochure,advert,friend,church,web,"
    "other",
}

SPEC = (
    Setting("county", "", lambda: _("the county's or region's name")),
    Setting(
        "language",
        "sv",
        lambda: _(
            "the county's language: of what shg writes for others (the access letter) and of "
            "the theme catalogue loaded at init"
        ),
        choices=("sv", "nb", "en"),
    ),
    Setting(
        "country",
        "SE",
        lambda: _(
            "the county's country: how phone numbers without +46/+47 are read, and whose "
            "public holidays are days off"
        ),
        choices=("SE", "NO"),
    ),
    # A text setting with two choices rather than a new bool type: it is validated, shown and
    # documented like `legal_basis`, and typed as a coordinator says it (on/off).
    Setting(
        "klamdag",
        "off",
        lambda: _("a single working day between a holiday and a weekend counts as a day off"),
        choices=("off", "on"),
    ),
    Setting("min_size", 5, lambda: _("fewest people to start a group"), low=2, high=50),
    Setting("max_size", 8, lambda: _("most people in a group"), low=2, high=50),
    Setting(
        "starter_sessions",
        4,
        lambda: _("sessions the starter (igångsättare) attends, by default"),
        low=0,
        high=20,
    ),
    Setting(
        "session_holidays",
        "move",
        lambda: _(
            "a planned starter session that falls on a public holiday: move (to the group's "
            "next meeting) or flag (keep the date and say so)"
        ),
        choices=("move", "flag"),
    ),
    Setting(
        "session_minutes",
        120,
        lambda: _("how long a group's meeting lasts, in minutes (for calendars)"),
        low=15,
        high=480,
    ),
    Setting(
        "followup_weeks",
        6,
        lambda: _("weeks between follow-ups of a running group, by default"),
        low=1,
        high=52,
    ),
    Setting(
        "legal_basis",
        "consent",
        lambda: _(
            "consent (each registration records the person's consent) or public-task "
            "(a public authority's task)"
        ),
        choices=("consent", "public-task"),
    ),
    Setting(
        "info_version",
        "1",
        lambda: _("version of the information text people are given, stored with each"),
        longest=40,
    ),
    Setting(
        "waiting_months",
        12,
        lambda: _("months a waiting registration lives unless confirmed again"),
        low=1,
        high=60,
    ),
    Setting(
        "identity_months",
        6,
        lambda: _("months a name and contact details are kept after someone leaves"),
        low=0,
        high=120,
    ),
    Setting(
        "min_cell",
        5,
        lambda: _("counts below this are never published or reported"),
        low=3,
        high=50,
    ),
    # A fixed list, not free text: a free-text source ("Dr Berg at Ryhov") would stay with
    # the facts when the person is erased.
    Setting(
        "sources",
        SOURCES["sv"],
        lambda: _("how people find the groups: the sources a registration may name"),
    ),
)
BY_NAME = {setting.name: setting for setting in SPEC}
DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SPEC}


def _invalid(setting: Setting, value: object) -> InvalidInput:
    return InvalidInput(
        _("{name} must be {rule}").format(name=setting.name, rule=setting.rule()),
        "",
        code="setting.invalid",
        field=setting.name,
        setting=setting.name,
    )


def _example_sources() -> str:
    """A few sources as a county speaking the interface language starts with."""
    from shgroups.i18n import spoken

    return ",".join(SOURCES.get(spoken(), SOURCES["en"]).split(",")[::4])


def _source_entries(value: str) -> str:
    items = [clean(item) for item in value.split(",") if clean(item)]
    if not items:
        raise InvalidInput(
            _("sources must list at least one source"),
            _("e.g. {sources}").format(sources=_example_sources()),
            code="setting.invalid",
            field="sources",
            setting="sources",
        )
    if any(len(item) > SOURCE_LONGEST for item in items):
        raise _invalid(BY_NAME["sources"], value)
    if len({item.casefold() for item in items}) < len(items):
        raise InvalidInput(
            _("a source is listed twice in sources"),
            _("list each source once"),
            code="setting.invalid",
            field="sources",
            setting="sources",
        )
    return ",".join(items)


def _check(setting: Setting, value: object) -> int | str:
    """The value as stored, or InvalidInput in the words of `Setting.rule`."""
    if isinstance(setting.default, int):
        try:
            number = int(str(value).strip())
        except ValueError:
            raise _invalid(setting, value) from None
        assert setting.low is not None and setting.high is not None
        if not setting.low <= number <= setting.high:
            raise _invalid(setting, value)
        return number
    text = clean(typed(str(value), setting.name))
    if setting.name == "sources":
        return _source_entries(text)
    if (setting.choices and text not in setting.choices) or len(text) > setting.longest:
        raise _invalid(setting, value)
    if setting.name == "info_version" and not text:
        raise _invalid(setting, value)
    return text


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Every setting checked against `SPEC`, and the rules between them."""
    checked = {name: _check(BY_NAME[name], value) for name, value in values.items()}
    if int(checked["min_size"]) > int(checked["max_size"]):
        raise InvalidInput(
            _("min_size ({low}) is larger than max_size ({high})").format(
                low=checked["min_size"], high=checked["max_size"]
            ),
            _("a group needs at least min_size people and takes at most max_size"),
            code="setting.sizes_out_of_order",
            field="min_size",
            low=checked["min_size"],
            high=checked["max_size"],
        )
    return checked


def source_list(settings: dict[str, Any]) -> list[str]:
    return str(settings["sources"]).split(",")


def get_settings(store: Store) -> dict[str, Any]:
    values = dict(DEFAULTS)
    for row in store.rows("SELECT key, value FROM settings"):
        if row["key"] in BY_NAME:
            values[row["key"]] = type(DEFAULTS[row["key"]])(row["value"])
    return values


def _store(store: Store, values: dict[str, Any]) -> None:
    for key, value in values.items():
        store.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )
    store.settings_changed()


def seed_settings(store: Store, county: str, language: str) -> None:
    country = "NO" if language == "nb" else "SE"
    _store(
        store,
        validate(
            {
                **DEFAULTS,
                "county": county,
                "language": language,
                "country": country,
                "sources": SOURCES[language],
            }
        ),
    )


def _known(key: str) -> None:
    if key not in BY_NAME:
        from shgroups.names import did_you_mean, suggest

        raise InvalidInput(
            _("unknown setting {key!r}").format(key=key),
            " ".join(
                filter(
                    None,
                    [
                        did_you_mean(suggest(key, list(BY_NAME))),
                        _("Known settings: {names}.").format(names=", ".join(BY_NAME)),
                    ],
                )
            ),
            code="setting.unknown",
            field="key",
            key=key,
        )


class Change(NamedTuple):
    """A setting as it is and as it would be; checked, not written."""

    key: str
    old: Any
    new: Any
    registrations: int  # registrations in the register (each keeps its recorded legal basis)


def setting_change(store: Store, key: str, value: str) -> Change:
    """What `set_setting` would change, refused as it would refuse; read before asking."""
    _known(key)
    current = get_settings(store)
    values = validate({**current, key: value})
    return Change(key, current[key], values[key], store.value("SELECT count(*) FROM registrations"))


def set_setting(store: Store, key: str, value: str) -> dict[str, Any]:
    """Change one setting; every setting afterwards. The same value again writes nothing."""
    _known(key)
    with store.write():
        current = get_settings(store)
        values = validate({**current, key: value})
        if values[key] != current[key]:
            _store(store, {key: values[key]})
            if key == "country":  # numbers without a country code now read otherwise
                from shgroups.phones import rekey

                rekey(store.conn, str(values[key]))
            store.audit("settings.set", "settings", None)
    return values


def settings_table() -> str:
    """The README's table of settings (cog), from `SPEC`."""
    lines = ["| setting | default | allowed | meaning |", "|---|---|---|---|"]
    for s in SPEC:
        default = f"`{s.default}`" if s.default != "" else "–"
        lines.append(f"| `{s.name}` | {default} | {s.rule()} | {s.about()} |")
    return "\n".join(lines) + "\n"
