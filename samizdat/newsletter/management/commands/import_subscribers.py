"""Import subscribers from a CSV file, with the consent statement every imported address keeps."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from wagtail.models import Locale

from samizdat.newsletter import importing
from samizdat.newsletter.models import MailingList


class Command(BaseCommand):
    help = ("Import newsletter subscribers from a CSV file (an \"email\" column; optional \"languages\" "
            "and \"lists\"). Only for people who agreed: --consent says where and how, --consent-date when.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--consent", required=True,
                            help='Where and how these people agreed, e.g. "Sign-up sheet, May Day rally".')
        parser.add_argument("--consent-date", required=True, type=datetime.date.fromisoformat,
                            help="When they agreed (YYYY-MM-DD).")
        parser.add_argument("--list", action="append", default=[], dest="lists",
                            help="Add everyone to this list (slug); repeat for several.")
        parser.add_argument("--language", action="append", default=[], dest="languages",
                            help="A language everyone reads (code, e.g. es); repeat for several.")

    def handle(self, *args, file: Path, consent: str, consent_date: datetime.date, lists: list[str],
               languages: list[str], **options) -> None:
        found_lists = list(MailingList.objects.filter(slug__in=lists))
        missing = sorted(set(lists) - {item.slug for item in found_lists})
        if missing:
            raise CommandError(f"No such list: {', '.join(missing)}")
        found_languages = list(Locale.objects.filter(language_code__in=languages))
        missing = sorted(set(languages) - {locale.language_code for locale in found_languages})
        if missing:
            raise CommandError(f"No such language: {', '.join(missing)}")
        try:
            rows = importing.read_csv(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except importing.BadImportFile as error:
            raise CommandError(f"{file}: {error}") from error
        consent_at = timezone.make_aware(datetime.datetime.combine(consent_date, datetime.time(12)))
        try:
            report = importing.import_subscribers(rows, source_detail=consent, consent_at=consent_at,
                                                  lists=found_lists, languages=found_languages)
        except importing.BadImportFile as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
                          f"{len(report.left_alone)} left alone (unsubscribed, bounced or complained), "
                          f"{len(report.problems)} not imported.")
        for problem in report.problems:
            self.stderr.write(f"  {problem}")
