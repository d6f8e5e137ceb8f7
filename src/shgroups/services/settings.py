"""County settings, stored in the database so every coordinator sharing the file sees them."""

from __future__ import annotations

from typing import Any

from shgroups.errors import InvalidInput
from shgroups.i18n import _
from shgroups.names import clean
from shgroups.storage import Store
from shgroups.text import typed

DEFAULTS: dict[str, Any] = {
    "county": "",
    "language": "sv",
    "min_size": 5,
    "max_size": 8,
    "starter_sessions": 4,
    "followup_weeks": 6,
    "legal_basis": "consent",
    "info_version": "1",
    "waiting_months": 12,
    "identity_months": 6,
    # How people found the groups: the values `intake add --source` accepts. A fixed list,
    # because a free-text source stays with the facts when the person is erased.
    "sources": "healthcare,1177,social-services,social-insurance,brochure,advert,friend,"
    "church,web,other",
}

DESCRIPTIONS = {
    "county": _("the county's or region's name"),
    "language": _("language the theme catalogue was loaded in at init: sv, nb or en"),
    "min_size": _("fewest people to start a group"),
    "max_size": _("most people in a group"),
    "starter_sessions": _("sessions the starter (igångsättare) attends, by default"),
    "followup_weeks": _("weeks between follow-ups of a running group, by default"),
    "legal_basis": _("consent (intake asks for --consent) or public-task (a public authority)"),
    "info_version": _("version of the information text people are given, stored with each"),
    "waiting_months": _("months a waiting registration lives unless confirmed again"),
    "identity_months": _("months a name and contact details are kept after someone leaves"),
    "sources": _(
        "how people find the groups: the values intake add --source accepts, comma-separated"
    ),
}


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    from typing import Literal

    from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

    class CountySettings(BaseModel):
        county: str = Field(max_length=100)
        language: Literal["sv", "nb", "en"]
        min_size: int = Field(ge=2, le=50)
        max_size: int = Field(ge=2, le=50)
        starter_sessions: int = Field(ge=0, le=20)
        followup_weeks: int = Field(ge=1, le=52)
        legal_basis: Literal["consent", "public-task"]
        info_version: str = Field(min_length=1, max_length=40)
        waiting_months: int = Field(ge=1, le=60)
        identity_months: int = Field(ge=0, le=120)
        sources: str

        @field_validator("sources")
        @classmethod
        def one_list(cls, value: str) -> str:
            items = [clean(item) for item in value.split(",") if clean(item)]
            if not items:
                raise ValueError(_("give at least one source, e.g. healthcare,friend,other"))
            if any(len(item) > 40 for item in items):
                raise ValueError(_("a source is at most 40 characters"))
            if len({item.casefold() for item in items}) < len(items):
                raise ValueError(_("a source is listed twice"))
            return ",".join(items)

        @model_validator(mode="after")
        def sizes_in_order(self) -> CountySettings:
            if self.min_size > self.max_size:
                raise ValueError(
                    f"min_size ({self.min_size}) is larger than max_size ({self.max_size})"
                )
            return self

    try:
        return CountySettings(**values).model_dump()
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            lines.append(f"{field}: {err['msg']}")
        raise InvalidInput("; ".join(lines), _("`shg settings show` lists the settings")) from None


def source_list(settings: dict[str, Any]) -> list[str]:
    return str(settings["sources"]).split(",")


def get_settings(store: Store) -> dict[str, Any]:
    values = dict(DEFAULTS)
    for row in store.rows("SELECT key, value FROM settings"):
        if row["key"] in DEFAULTS:
            kind = type(DEFAULTS[row["key"]])
            values[row["key"]] = kind(row["value"])
    return values


def _store(store: Store, values: dict[str, Any]) -> None:
    for key, value in values.items():
        store.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )


def seed_settings(store: Store, county: str, language: str) -> None:
    _store(store, _validate({**DEFAULTS, "county": county, "language": language}))


def set_setting(store: Store, key: str, value: str) -> dict[str, Any]:
    if key not in DEFAULTS:
        from shgroups.names import did_you_mean, suggest

        raise InvalidInput(
            _("unknown setting {key!r}").format(key=key),
            " ".join(
                filter(
                    None,
                    [
                        did_you_mean(suggest(key, list(DEFAULTS))),
                        _("Known settings: {names}.").format(names=", ".join(DEFAULTS)),
                    ],
                )
            ),
        )
    value = typed(value, _("value of {key}").format(key=key))
    with store.write():
        values = _validate({**get_settings(store), key: value})
        _store(store, {key: values[key]})
        store.audit("settings.set", "settings", None)
    return values
