"""Importing subscribers from CSV, with their consent on record.

Only people who agreed to get the newsletter may be imported; whoever imports says where and
when they agreed (`source_detail`, `consent_at`), and every address imported carries that
statement and the import's date. The rules for each address:

- new: subscribed (confirmed) with source "import", the stated consent and the import's lists;
- already subscribed or waiting for confirmation: the import's lists and languages are added;
  a pending address stays pending (it never confirmed, whatever the file says);
- unsubscribed, bouncing or complained: left alone and reported (their choice stands);
- invalid, duplicated in the file, or naming an unknown list or language: reported by line.

The CSV needs an `email` column; `languages` (codes such as "en es") and `lists` (slugs or
names, separated by commas or semicolons) are optional. The subscriber export's headings are
accepted, so an export imports back; when the file has a `status` column (an export does), only
its subscribed rows are imported.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale

from samizdat.core.emails import normalize_email
from samizdat.newsletter.models import MailingList, Subscriber, Subscription

MAX_ROWS = 200_000
CHUNK = 2_000
EMAIL_COLUMNS = {"email", "e-mail", "email address"}
LANGUAGE_COLUMNS = {"languages", "language"}
LIST_COLUMNS = {"lists", "list", "mailing lists"}
SUBSCRIBED_STATUSES = {Subscriber.Status.CONFIRMED.value, str(Subscriber.Status.CONFIRMED.label).lower(),
                       "subscribed"}


class BadImportFile(ValueError):
    """The file cannot be imported at all (not CSV, no email column, too many rows)."""


@dataclass
class ImportRow:
    line: int
    email: str
    languages: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    status: str = ""  # an export's status column: only subscribed rows are imported


@dataclass
class ImportReport:
    """What an import did, for the admin message and the command's summary."""

    created: int = 0
    updated: int = 0  # existing subscribers given more lists or languages
    unchanged: int = 0
    left_alone: list[str] = field(default_factory=list)  # unsubscribed, bounced, complained
    problems: list[str] = field(default_factory=list)  # "line 4: …"

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def read_csv(data: bytes | str) -> list[ImportRow]:
    """The rows of a subscriber CSV (UTF-8, a BOM allowed, comma or semicolon separated)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise BadImportFile(_("The file is not UTF-8 text; save it as CSV (UTF-8).")) from error
    if "\x00" in data:
        raise BadImportFile(_("The file is not a CSV file."))
    first_line = data.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # the header's separator; a comma if it has none
    reader = csv.reader(io.StringIO(data), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration as error:
        raise BadImportFile(_("The file is empty.")) from error
    except csv.Error as error:
        raise BadImportFile(_("The file is not readable CSV: %(error)s") % {"error": error}) from error
    email_at = next((i for i, name in enumerate(header) if name in EMAIL_COLUMNS), None)
    if email_at is None:
        raise BadImportFile(_("The first line must name the columns, one of them \"email\"."))
    languages_at = next((i for i, name in enumerate(header) if name in LANGUAGE_COLUMNS), None)
    lists_at = next((i for i, name in enumerate(header) if name in LIST_COLUMNS), None)
    status_at = next((i for i, name in enumerate(header) if name == "status"), None)

    def cell(row: list[str], index: int | None) -> str:
        return row[index].strip() if index is not None and index < len(row) else ""

    rows: list[ImportRow] = []
    try:
        for row in reader:
            if not any(value.strip() for value in row):
                continue
            if len(rows) >= MAX_ROWS:
                raise BadImportFile(_("The file has more than %(count)d rows; split it.")
                                    % {"count": MAX_ROWS})
            rows.append(ImportRow(
                line=reader.line_num, email=cell(row, email_at),
                languages=cell(row, languages_at).replace(",", " ").split(),
                lists=[name.strip() for name in cell(row, lists_at).replace(";", ",").split(",")
                       if name.strip()],
                status=cell(row, status_at),
            ))
    except csv.Error as error:
        raise BadImportFile(_("Line %(line)d is not readable CSV: %(error)s")
                           % {"line": reader.line_num, "error": error}) from error
    return rows


def _valid_email(value: str) -> str | None:
    email = normalize_email(value)
    if not email or len(email) > 254:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


@transaction.atomic
def import_subscribers(rows: Iterable[ImportRow], *, source_detail: str, consent_at: datetime.datetime,
                       lists: Iterable[MailingList] = (), languages: Iterable[Locale] = ()) -> ImportReport:
    """Import the rows (see the module docstring); all or nothing, in one transaction.

    `lists` and `languages` apply to every row, in addition to the rows' own; a row with no
    language at all reads the site's default language.
    """
    report = ImportReport()
    source_detail = source_detail.strip()
    if not source_detail:
        raise BadImportFile(_("Say where and how these people agreed to get the newsletter."))
    if consent_at > timezone.now() + datetime.timedelta(days=1):
        raise BadImportFile(_("The consent date is in the future."))
    all_lists = list(MailingList.objects.all())
    by_key = {item.slug.lower(): item for item in all_lists} | {item.name.lower(): item for item in all_lists}
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    default_locale = locales.get(settings.LANGUAGE_CODE)
    base_lists, base_languages = list(lists), list(languages)

    wanted: dict[str, tuple[ImportRow, list[MailingList], list[Locale]]] = {}
    for row in rows:
        email = _valid_email(row.email)
        if email is None:
            report.problems.append(_("line %(line)d: “%(value)s” is not an email address")
                                   % {"line": row.line, "value": row.email[:80]})
            continue
        if row.status and row.status.lower() not in SUBSCRIBED_STATUSES:
            report.problems.append(_("line %(line)d: %(email)s is not subscribed in the file (%(status)s)")
                                   % {"line": row.line, "email": email, "status": row.status[:40]})
            continue
        if email in wanted:
            report.problems.append(_("line %(line)d: %(email)s is already on line %(first)d")
                                   % {"line": row.line, "email": email, "first": wanted[email][0].line})
            continue
        unknown = [name for name in row.lists if name.lower() not in by_key]
        unknown_languages = [code for code in row.languages if code.lower() not in locales]
        if unknown or unknown_languages:
            report.problems.append(_("line %(line)d: unknown list or language: %(names)s")
                                   % {"line": row.line, "names": ", ".join(unknown + unknown_languages)})
            continue
        row_lists = base_lists + [by_key[name.lower()] for name in row.lists]
        row_languages = base_languages + [locales[code.lower()] for code in row.languages]
        if not row_languages and default_locale:
            row_languages = [default_locale]
        if not row_lists:
            report.problems.append(_("line %(line)d: no list to subscribe %(email)s to")
                                   % {"line": row.line, "email": email})
            continue
        wanted[email] = (row, row_lists, row_languages)

    emails = list(wanted)
    existing: dict[str, Subscriber] = {}
    for start in range(0, len(emails), CHUNK):
        for subscriber in Subscriber.objects.filter(email__in=emails[start:start + CHUNK]):
            existing[subscriber.email] = subscriber
    stopped = (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED)
    now = timezone.now()
    detail = _("%(source)s (imported %(date)s)") % {"source": source_detail, "date": now.date().isoformat()}
    new = [Subscriber(email=email, status=Subscriber.Status.CONFIRMED, source=Subscriber.Source.IMPORT,
                      source_detail=detail[:255], consent_at=consent_at, confirmed_at=now)
           for email in emails if email not in existing]
    Subscriber.objects.bulk_create(new, batch_size=CHUNK)
    if new:  # bulk_create sets no primary keys on every database: read them back
        for start in range(0, len(new), CHUNK):
            chunk = [subscriber.email for subscriber in new[start:start + CHUNK]]
            for subscriber in Subscriber.objects.filter(email__in=chunk).only("pk", "email"):
                existing[subscriber.email] = subscriber
    created = {subscriber.email for subscriber in new}
    report.created = len(created)

    targets = [(existing[email], *wanted[email][1:]) for email in emails
               if existing[email].status not in stopped or email in created]
    report.left_alone = [email for email in emails
                         if email not in created and existing[email].status in stopped]
    subscriber_ids = [subscriber.pk for subscriber, _lists, _languages in targets]
    had_lists: set[tuple[int, int]] = set()
    had_languages: set[tuple[int, int]] = set()
    through = Subscriber.languages.through
    for start in range(0, len(subscriber_ids), CHUNK):
        chunk = subscriber_ids[start:start + CHUNK]
        had_lists.update(Subscription.objects.filter(subscriber_id__in=chunk)
                         .values_list("subscriber_id", "mailing_list_id"))
        had_languages.update(through.objects.filter(subscriber_id__in=chunk)
                             .values_list("subscriber_id", "locale_id"))
    new_lists, new_languages = [], []
    for subscriber, row_lists, row_languages in targets:
        added = False
        for mailing_list in {item.pk: item for item in row_lists}.values():
            if (subscriber.pk, mailing_list.pk) not in had_lists:
                new_lists.append(Subscription(subscriber_id=subscriber.pk, mailing_list_id=mailing_list.pk))
                added = True
        for locale in {item.pk: item for item in row_languages}.values():
            if (subscriber.pk, locale.pk) not in had_languages:
                new_languages.append(through(subscriber_id=subscriber.pk, locale_id=locale.pk))
                added = True
        if subscriber.email not in created:
            if added:
                report.updated += 1
            else:
                report.unchanged += 1
    Subscription.objects.bulk_create(new_lists, batch_size=CHUNK, ignore_conflicts=True)
    through.objects.bulk_create(new_languages, batch_size=CHUNK, ignore_conflicts=True)
    return report
