"""How the command line explains a failure: the service's message in the domain's words, the
flag a field is typed as, and a hint that may name a command that would work.

The services never name flags or commands (an importer reports the same failures against
spreadsheet cells); this table is where the command line adds them.
"""

from collections.abc import Callable
from typing import Any

from shgroups.errors import ShgError
from shgroups.i18n import _

# The hint for an error code, formatted with the error's params, `flag` (the flag its field
# is typed as in the command that failed) and `hint` (the service's own hint, for entries that
# add to it). A list param reads as "1 or 2". A code without an entry keeps the service's own
# hint, and so does an entry that needs {flag} when the failed command has none for the field.
HINTS: dict[str, Callable[[], str]] = {
    # dates
    "date.before_event": lambda: _("check {flag}: events are recorded in the order they happened"),
    # registrations
    "setting.invalid": lambda: _("`shg settings show` lists the settings and their values"),
    "setting.sizes_out_of_order": lambda: _(
        "a group needs at least min_size people and takes at most max_size; "
        "`shg settings show` lists both"
    ),
    "registration.not_found": lambda: _("`shg intake list` shows the registrations and their ids"),
    "confirm.left_queue": lambda: _(
        "if they want a group again: shg intake reinstate {id} (they keep their place)"
    ),
    "registration.placed": lambda: _("to take them out: shg groups remove-member {group} {id}"),
    "registration.erased": lambda: _(
        "nothing about who they were is kept; `shg audit --person {id}` shows what was done"
    ),
    "registration.duplicate": lambda: _(
        "`shg intake show {id}` shows it; add --force if this is another person"
    ),
    "registration.not_same_person": lambda: _(
        "`shg intake show {id}` shows it; without {flag} a new person is registered"
    ),
    "registration.same_name_and_phone": lambda: _(
        "if it is the same person, add {flag} {ids}; if it is someone else (say a relative on "
        "the same line), add --new-person"
    ),
    "registration.no_consent": lambda: _(
        "give the information text (version {version}), ask for consent, then add {flag}"
    ),
    "registration.other_theme": lambda: _("add --force to place them anyway"),
    "registration.other_area": lambda: _("add --force to place them anyway"),
    "person.source_unknown": lambda: _(
        "{hint} The county keeps the list: shg settings set sources LIST (comma-separated)."
    ),
    "text.identity_number_forceable": lambda: _(
        "shg never stores personal identity numbers: leave it out, or add --force if it is not one"
    ),
    # corrections (intake edit, intake reinstate) and the call list (intake stale)
    "edit.nothing_given": lambda: _(
        "give what to correct, e.g. `shg intake edit {id} --name NAME`; "
        "`shg intake edit --help` lists every field"
    ),
    "edit.placed": lambda: _(
        "take them out and back into the queue first: "
        "shg groups remove-member {group} {id} --requeue"
    ),
    "edit.group_ended": lambda: _(
        "their group has ended; to wait for a new group, register them again with `shg intake add`"
    ),
    "edit.not_waiting": lambda: _("put it back in the queue first: shg intake reinstate {id}"),
    "edit.same_as_other_identity": lambda: _(
        "`shg intake show {first}` shows the other; if they are two people (say relatives "
        "sharing a phone), add --force"
    ),
    "edit.duplicate": lambda: _(
        "`shg intake show {other}` shows it; add --force if this is another person"
    ),
    "edit.same_theme_twice": lambda: _(
        "`shg intake show {other}` shows it; keep one of the two, e.g. shg intake withdraw {id}"
    ),
    "registration.date_after_event": lambda: _(
        "check {flag}: a registration is dated before what happened to it; "
        "`shg intake show {id}` shows its dates"
    ),
    "reinstate.waiting": lambda: _(
        "it is in the queue already; `shg intake confirm {id}` renews it"
    ),
    "reinstate.placed": lambda: _(
        "to put them back in the queue: shg groups remove-member {group} {id} --requeue"
    ),
    "reinstate.group_ended": lambda: _(
        "to wait for a new group, register them again with `shg intake add`"
    ),
    "reinstate.theme_retired": lambda: _(
        "register them again for a current theme with `shg intake add`; "
        "`shg themes list` shows the current themes"
    ),
    "reinstate.area_retired": lambda: _(
        "register them again for a current area with `shg intake add`; "
        "`shg areas list` shows the current areas"
    ),
    "reinstate.already_waiting": lambda: _("`shg intake show {other}` shows it"),
    "calendar.weeks_out_of_range": lambda: _("{hint}: `shg calendar export --weeks 26`"),
    "stale.within_out_of_range": lambda: _(
        "e.g. {flag} 30 lists those whose registration expires within a month"
    ),
    # catalogue
    # (Said so that they fit every command that names one: intake add, groups start, the
    # catalogue's own commands.)
    "theme.unknown": lambda: _(
        "{hint} `shg themes list` shows the themes; `shg themes add NAME` adds one (so does "
        "--new-theme when registering or correcting someone)."
    ),
    "area.unknown": lambda: _(
        "{hint} `shg areas list` shows the areas; `shg areas add NAME` adds one (so does "
        "--new-area when registering or correcting someone)."
    ),
    "staff.unknown": lambda: _(
        "{hint} `shg staff list` shows the staff; add someone with `shg staff add NAME`."
    ),
    "theme.retired": lambda: _(
        "choose another theme (`shg themes list` shows the current ones), or take it back with "
        "`shg themes restore {theme!r}`"
    ),
    "area.no_default": lambda: _("name one with {flag}"),
    "theme.already_retired": lambda: _("`shg themes list --retired` shows retired themes"),
    "theme.still_waiting": lambda: _(
        "`shg intake list --theme {theme!r}` lists them; run `shg themes retire {theme!r}` "
        "again: it says how many wait and asks"
    ),
    # groups
    "group.not_found": lambda: _("`shg groups list` shows the groups and their ids"),
    "group.not_ready": lambda: _(
        "`shg groups ready` shows what can start; to start with chosen people, "
        "give --members 1,2,… (and --force below the minimum)"
    ),
    "members.empty": lambda: _("give ids such as {flag} 3,7,12"),
    "members.too_few": lambda: _("add --force to go ahead anyway"),
    "members.too_many": lambda: _("add --force to go ahead anyway"),
    "group.ended": lambda: _("`shg groups list` shows the groups and their status"),
    "group.full": lambda: _("add --force to go above the maximum"),
    "group.closed": lambda: _("open it with `shg groups set {id} --open`, or add --force"),
    "group.not_member": lambda: _("`shg groups show {group}` lists its members"),
    "group.sessions_held": lambda: _(
        "its starter phase is over; follow-ups are next (`shg followups due`)"
    ),
    "followup.group_starting": lambda: _("`shg followups due` lists the groups to follow up"),
    "followup.group_ended": lambda: _("`shg followups due` lists the groups to follow up"),
    # undoing sessions and follow-ups, and the slips caught before they are written
    "session.none": lambda: _("`shg groups show {id}` shows what the group has recorded"),
    "session.not_found": lambda: _("`shg groups show {id}` lists its starter sessions by number"),
    "session.followed_up": lambda: _(
        "if they too were recorded by mistake, remove them first with "
        "`shg followups remove {id}` (the last one each time)"
    ),
    "session.same_day": lambda: _(
        "check {flag}; if session {number} was recorded by mistake, remove it with "
        "`shg sessions remove {id} {number}`"
    ),
    "session.before_start": lambda: _("`shg groups show {id}` shows when it starts"),
    "session.not_yet": lambda: _("if it was held today: shg sessions add {id} --date today"),
    "session.not_planned": lambda: _("{hint}; `shg groups show {id}` lists them"),
    "session.move_order": lambda: _(
        "to skip a meeting, cancel it: shg sessions cancel {id} {number} (the sessions after "
        "it move one meeting on)"
    ),
    "session.move_cancelled": lambda: _(
        "choose another day for {flag}; `shg groups show {id}` shows the plan and the meetings "
        "cancelled"
    ),
    "followup.none": lambda: _("`shg groups show {id}` shows what the group has recorded"),
    "followup.not_on_date": lambda: _(
        "`shg groups show {id}` lists its follow-ups; without {flag} the last one is removed"
    ),
    "followup.not_due": lambda: _(
        "check the group (`shg groups show {id}`); for an extra contact, add --force (the "
        "next follow-up is then counted from it)"
    ),
    "group.begun": lambda: _("`shg groups show {id}` shows its starter sessions"),
    "date.too_far_ahead": lambda: _(
        "check the year in {flag}; a start can be planned a year ahead"
    ),
    # files, backups, the database
    "demo.not_a_demo": lambda: _("give the demo another path, e.g. `shg demo shg-demo.db`"),
    "backup.exists": lambda: _("choose a new name, or leave PATH out for a dated one"),
    "file.exists_replaceable": lambda: _("choose a new file name, or add {flag} to replace it"),
    "file.is_folder": lambda: _("give {flag} a file's name, in that folder or another"),
    "export.folder_not_empty": lambda: _(
        "name a new or empty folder, or add {flag} to replace the files of the same names there"
    ),
    "export.not_xlsx": lambda: _(
        "name a file ending in .xlsx (--out register.xlsx), or add --format csv for a folder"
    ),
    "export.out_is_folder": lambda: _(
        "name a file ending in .xlsx (--out register.xlsx), or add --format csv for a folder"
    ),
    "import.no_header": lambda: _(
        "{hint}; or say which column is which: --map 'Kolumn X=phone' (repeatable)"
    ),
    "import.unknown_kind": lambda: _(
        "{hint} (in Excel: File → Save As → Excel Workbook or CSV UTF-8)"
    ),
    "backup.keep_too_few": lambda: _("e.g. {flag} 8 keeps two months of weekly backups"),
    "backup.keep_sealed": lambda: _(
        "leave out {flag}: shg never removes a sealed backup, since it cannot tell whose it is "
        "without the key; remove old ones yourself"
    ),
    "export.csv_sealed": lambda: _(
        "leave out --format csv (or say --format xlsx): a workbook is one file, sealed whole"
    ),
    "sealed.needs_identity": lambda: _(
        "add --identity KEYFILE: the secret key file of one of the keys it was sealed for"
    ),
    "backup.missing": lambda: _("`shg db info` shows the last backup"),
    "backup.unusable": lambda: _(
        "choose another backup; `shg db info` shows the backup folder and the last backup"
    ),
    "restore.other_register": lambda: _(
        "check --db / $SHG_DB; to replace this register with it anyway, run "
        "`shg db restore {path} --force` (erasures recorded here are then not re-applied)"
    ),
    "restore.schema_drift": lambda: _(
        "restore into a new register: `shg --db NEW.db init`, then "
        "`shg --db NEW.db db restore {path} --force`"
    ),
    "db.too_new": lambda: _("upgrade shg: pip install --upgrade shgroups"),
    "db.damaged": lambda: _(
        "run `shg db check` to see more, and restore the last good backup: `shg db restore PATH`"
    ),
    "db.unusable": lambda: _(
        "check that --db or $SHG_DB points at your shg database, or restore a backup"
    ),
    "db.not_shg": lambda: _(
        "run `shg init` to create one, or point --db / $SHG_DB at your shg database"
    ),
    "db.unusable_path": lambda: _(
        "check --db or $SHG_DB: it should name your shg database file, e.g. ~/shg/shg.db"
    ),
    # the catalogue: retiring, restoring, renaming (issue 10)
    "area.retired": lambda: _(
        "choose another area (`shg areas list` shows the current ones), or take it back with "
        "`shg areas restore {area!r}`"
    ),
    "staff.retired": lambda: _(
        "choose another starter (`shg staff list` shows the current staff), or take them back "
        "with `shg staff restore {staff!r}`"
    ),
    "area.already_retired": lambda: _("`shg areas list --retired` shows retired areas"),
    "staff.already_retired": lambda: _("`shg staff list --retired` shows retired staff"),
    "theme.not_retired": lambda: _("`shg themes list` shows it among the current themes"),
    "area.not_retired": lambda: _("`shg areas list` shows it among the current areas"),
    "staff.not_retired": lambda: _("`shg staff list` shows them among the current staff"),
    "area.default_retired": lambda: _(
        "make another area the default first: `shg areas default AREA` (`shg areas list` "
        "shows them)"
    ),
    "area.still_waiting": lambda: _(
        "`shg intake list --area {area!r}` lists them; run `shg areas retire {area!r}` again: "
        "it says how many wait and asks"
    ),
    "theme.exists": lambda: _(
        "use it, or choose another name; `shg themes list --retired` shows every theme, and "
        "`shg themes restore THEME` takes a retired one back"
    ),
    "area.exists": lambda: _(
        "use it, or choose another name; `shg areas list --retired` shows every area, and "
        "`shg areas restore AREA` takes a retired one back"
    ),
    "staff.exists": lambda: _(
        "choose another name; `shg staff list --retired` shows all staff, and "
        "`shg staff restore NAME` takes a retired one back"
    ),
    # asking first
    "person.changed": lambda: _(
        "run the same command again: it shows what it will change now and asks again"
    ),
    "purge.changed": lambda: _(
        "run `shg purge --dry-run` to see what goes now, then `shg purge` again"
    ),
}


def _shown(value: Any) -> Any:
    return _(" or ").join(str(v) for v in value) if isinstance(value, list) else value


def explain(exc: ShgError, flag: str | None, typed: bool = True) -> tuple[str, str]:
    """(message, hint) to print for `exc`; `flag` is how the failed command spells its field,
    and `typed` whether it was given: the message names a flag only where one was typed (a
    date left to today is not "--date: …")."""
    hint = exc.hint
    template = HINTS[exc.code]() if exc.code in HINTS else None
    if template is not None and (flag or "{flag}" not in template):
        params = {name: _shown(value) for name, value in exc.params.items()}
        hint = template.format(**params, flag=flag or "", hint=exc.hint).strip()
    message = exc.message
    if flag and exc.field and typed:
        message = f"{flag}: {message}"
    return message, hint
