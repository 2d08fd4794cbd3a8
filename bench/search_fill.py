"""Fill a scratch PostgreSQL database with N realistic articles for the search benchmark.

    python bench/search_fill.py [--articles 100000] [--seed 7]

DATABASE_URL picks the server and database (default
postgres://postgres@127.0.0.1:5432/samizdat_bench). The database is dropped and
created again, so its name must contain "bench"; SQLite is refused. The outlet's
skeleton (homes, sections, topics, people) is made through Wagtail; the articles, their
year/month folders and their search entries are written with COPY (treebeard
materialized paths computed here), then one UPDATE builds every tsvector.

Text comes from a vocabulary of newsroom words drawn with Zipf-like frequencies, in
English (about 60 %) and Spanish, with bodies from 60 to 2,500 words.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench.common, run as a script (bench/ on sys.path) or imported
from bench import common  # noqa: E402
from bench.common import bench_home, recreate_database, scratch_database_url  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/samizdat_bench"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4

EN_FUNCTION = (
    "the of and to in a that for on is was with as by at from it has have be are were not but an "
    "their they this said its which will who more after over than about into been would also"
).split()
ES_FUNCTION = (
    "de la que el en y a los del se las por un para con no una su al es lo como más pero sus le ya "
    "o fue este ha sí porque esta entre cuando muy sin sobre también han desde hasta"
).split()
EN_WORDS = (
    "workers union strike strikes striking striker strikers wages wage pay contract contracts bargaining "
    "employer employers management company companies factory factories plant warehouse port dockworkers "
    "nurses teachers drivers miners rail railway transport hospital hospitals school schools council "
    "government minister ministers parliament election elections vote votes voted vote ballot party parties "
    "left socialist socialists communist labour labor movement movements protest protests protesters march "
    "marched rally demonstration demonstrations police arrested arrests court courts judge ruling law laws "
    "reform reforms pension pensions rent rents tenants housing eviction evictions landlord landlords "
    "prices inflation cost living energy gas electricity bills profits profit shareholders bosses "
    "austerity budget cuts cut spending public services health care privatisation privatization "
    "war peace ceasefire sanctions army military troops border refugees migrants asylum deportation "
    "climate emissions coal oil drilling pipeline farmers land water drought heat flood floods "
    "women equality discrimination racism solidarity comrades organising organizing organizers picket "
    "pickets picketing walkout lockout overtime shifts shift hours safety accident injuries deaths "
    "gig platform delivery riders couriers app algorithm contracts temporary agency outsourcing "
    "students university tuition fees debt loans youth unemployment jobs layoffs redundancies closure "
    "steel automotive car carmaker battery mine mining copper lithium gold exports imports trade tariffs "
    "bank banks interest rates central debt crisis recession growth economy economists forecast "
    "newspaper journalists press media censorship freedom speech rights human prisoners prison hunger "
    "general assembly congress conference delegates resolution leadership members membership branch "
    "local national international federation confederation alliance coalition opposition mayor city "
    "town village region province capital streets square night morning week month year years history "
    "victory defeat agreement deal offer rejected accepted negotiations talks mediation arbitration "
    "minimum living increase raise bonus inflation-linked indexation cost-of-living percent million billion"
).split()
ES_WORDS = (
    "trabajadores trabajadoras sindicato sindicatos huelga huelgas huelguistas paro paros salario salarios "
    "sueldo convenio convenios negociación patronal empresa empresas fábrica fábricas planta almacén puerto "
    "estibadores enfermeras docentes maestros conductores mineros ferrocarril transporte hospital hospitales "
    "escuela escuelas ayuntamiento gobierno ministro ministra ministros parlamento congreso elecciones voto "
    "votos votación partido partidos izquierda socialista comunista movimiento movimientos protesta "
    "protestas "
    "manifestación manifestaciones marcha policía detenidos detenciones tribunal tribunales juez sentencia "
    "ley leyes reforma reformas pensión pensiones alquiler alquileres inquilinos vivienda desahucio "
    "desahucios precios inflación coste vida energía gas electricidad facturas beneficios accionistas "
    "austeridad presupuesto recortes gasto servicios públicos sanidad privatización guerra paz alto fuego "
    "sanciones ejército tropas frontera refugiados migrantes asilo deportación clima emisiones carbón "
    "petróleo campesinos tierra agua sequía calor inundación mujeres igualdad discriminación racismo "
    "solidaridad compañeros organización piquete piquetes horas extra turnos jornada seguridad accidente "
    "accidentes muertes plataforma reparto repartidores riders aplicación algoritmo contratos temporales "
    "subcontratación estudiantes universidad matrícula deuda jóvenes desempleo empleo despidos cierre "
    "acero automóvil batería mina minería cobre litio exportaciones aranceles banco bancos tipos crisis "
    "recesión crecimiento economía periodistas prensa medios censura libertad derechos humanos presos "
    "cárcel asamblea general delegados resolución dirección afiliados afiliación sección federación "
    "confederación alianza coalición oposición alcalde ciudad pueblo región provincia capital calles plaza "
    "noche mañana semana mes año años historia victoria derrota acuerdo oferta rechazada aceptada "
    "negociaciones mediación arbitraje mínimo subida aumento prima porcentaje millones"
).split()
RARE = (
    "Rotterdam Valparaíso Antofagasta Gdańsk Durban Chittagong Mombasa Piraeus Ludwigshafen Tarragona "
    "Bilbao Avilés Rosario Córdoba Arequipa Cochabamba Oaxaca Monterrey Detroit Toledo Sheffield Glasgow "
    "Liverpool Marseille Turin Bergamo Katowice Ostrava Debrecen Plovdiv Izmir Alexandria Casablanca "
    "Lagos Kaduna Kolkata Mumbai Dhaka Surabaya Manila Busan Kaohsiung Brisbane Auckland Halifax Oakland "
    "Amazon Uber Glovo Deliveroo Maersk Cosco Ryanair Inditex Zara Stellantis Volkswagen Tesla Codelco "
    "Glencore Rio Tinto Vale BHP Nestlé Unilever Carrefour Walmart Starbucks FedEx Siemens Airbus "
    "Samsung Foxconn Pemex Petrobras Repsol Iberdrola Endesa Santander BBVA Telefónica Movistar Renfe "
    "Adif Correos Mercadona Ikea Lidl Aldi Bayer Monsanto Cargill Chiquita Dole Nike Adidas Primark"
).split()
SECTIONS = [
    ("Labor", "labor", "Trabajo", "trabajo", 0.32),
    ("International", "international", "Internacional", "internacional", 0.24),
    ("Politics", "politics", "Política", "politica", 0.18),
    ("Economy", "economy", "Economía", "economia", 0.12),
    ("Environment", "environment", "Medio ambiente", "medio-ambiente", 0.08),
    ("Culture", "culture", "Cultura", "cultura", 0.06),
]
TOPICS = [
    ("Strikes", "strikes", "Huelgas", "huelgas"), ("Housing", "housing", "Vivienda", "vivienda"),
    ("Climate", "climate", "Clima", "clima"), ("Migration", "migration", "Migración", "migracion"),
    ("Elections", "elections", "Elecciones", "elecciones"), ("Wages", "wages", "Salarios", "salarios"),
    ("Health", "health", "Sanidad", "sanidad"), ("War", "war", "Guerra", "guerra"),
    ("Platform work", "platform-work", "Trabajo de plataforma", "trabajo-plataforma"),
    ("Pensions", "pensions", "Pensiones", "pensiones"), ("Education", "education", "Educación", "educacion"),
    ("Repression", "repression", "Represión", "represion"),
]
FIRST = "Ana Rosa Karl Jenny Leila Omar Pablo Lucía Ines Mara Tomás Elena Samir Yusuf Nadia Diego".split()
LAST = "Marín Ortiz Okafor Novak Haddad Brennan Ruiz Moreau Silva Kowalski Tanaka Mendes Ibarra".split()
KINDS = [("article", 80), ("report", 6), ("interview", 5), ("statement", 4), ("video", 3), ("translation", 2)]


def database_url() -> str:
    """DATABASE_URL (or the default), if it names a scratch PostgreSQL database."""
    return scratch_database_url(os.environ.get("DATABASE_URL") or DEFAULT_URL, "search_fill",
                                "; set DATABASE_URL=postgres://…/samizdat_bench")


def setup_django(url: str) -> None:
    """Django on the database `url` (search_latency.py uses this too)."""
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
    common.setup_django({"DATABASE_URL": url})


class Writer:
    """Zipf-distributed words of one language, built into titles, deks and bodies."""

    def __init__(self, rng: random.Random, function_words: list[str], words: list[str]) -> None:
        content = list(dict.fromkeys(words))
        rng.shuffle(content)
        vocabulary = function_words + content + RARE
        weights = [1 / (rank + 2.7) ** 1.05 for rank in range(len(vocabulary))]
        self.rng = rng
        self.vocabulary = vocabulary
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        content_only = content + RARE
        self.content = content_only
        self.content_cumulative = []
        total = 0.0
        for rank in range(len(content_only)):
            total += 1 / (rank + 1.5) ** 0.9
            self.content_cumulative.append(total)

    def words(self, count: int, content: bool = False) -> list[str]:
        if content:
            return self.rng.choices(self.content, cum_weights=self.content_cumulative, k=count)
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def sentence(self, low: int = 8, high: int = 26) -> str:
        words = self.words(self.rng.randint(low, high))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def title(self) -> str:
        words = self.words(self.rng.randint(4, 11), content=True)
        text = " ".join(words)
        return text[0].upper() + text[1:]

    def body(self) -> tuple[list[dict], str]:
        """StreamField JSON blocks and the plain text search indexes."""
        target = int(min(2500, max(60, self.rng.lognormvariate(math.log(420), 0.6))))
        blocks, texts, written = [], [], 0
        while written < target:
            roll = self.rng.random()
            if blocks and roll < 0.06:
                text = self.title()
                value = {"text": text, "level": "h2"}
                blocks.append({"type": "heading", "value": value, "id": str(uuid.uuid4())})
            elif blocks and roll < 0.09:
                text = self.sentence(6, 16)
                blocks.append({"type": "pull_quote", "value": {"text": text}, "id": str(uuid.uuid4())})
            else:
                text = " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))
                blocks.append({"type": "paragraph", "value": f"<p>{text}</p>", "id": str(uuid.uuid4())})
            texts.append(text)
            written += text.count(" ") + 1
        return blocks, "\n".join(texts)


def encode(number: int) -> str:
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
        if not number:
            return digits.rjust(STEPLEN, "0")


def build_skeleton():
    """Homes, Site, sections, topics and people through Wagtail (a few dozen pages)."""
    from wagtail.models import Locale

    from samizdat.articles.models import SectionPage, Topic
    from samizdat.people.models import Person

    home = bench_home("The Bench Ledger")
    en = Locale.objects.get(language_code="en")
    es = Locale.objects.get(language_code="es")
    home_es = home.copy_for_translation(es)
    home_es.title = "El Libro de Pruebas"
    home_es.save_revision().publish()
    sections = {"en": [], "es": []}
    for title, slug, title_es, slug_es, weight in SECTIONS:
        section = home.add_child(instance=SectionPage(title=title, slug=slug))
        section.save_revision().publish()
        translated = section.copy_for_translation(es)
        translated.title, translated.slug = title_es, slug_es
        translated.save_revision().publish()
        sections["en"].append((SectionPage.objects.get(pk=section.pk), weight))
        sections["es"].append((SectionPage.objects.get(pk=translated.pk), weight))
    topics = {"en": [], "es": []}
    for name, slug, name_es, slug_es in TOPICS:
        topic = Topic.objects.create(name=name, slug=slug, locale=en)
        translated = topic.copy_for_translation(es)
        translated.name, translated.slug = name_es, slug_es
        translated.save()
        topics["en"].append(topic)
        topics["es"].append(translated)
    people = Person.objects.bulk_create([
        Person(name=f"{first} {last}", slug=f"{first}-{last}-{n}".lower().replace("í", "i").replace("á", "a")
               .replace("é", "e").replace("ó", "o").replace("ń", "n"))
        for n, (first, last) in enumerate((f, la) for f in FIRST for la in LAST)
    ][:80])
    return sections, topics, people


def copy_rows(cursor, model, fields: list[str], rows) -> None:
    columns = ", ".join(model._meta.get_field(name).column for name in fields)
    with cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_pages(pages: list) -> list[int]:
    from wagtail.models import Page

    created = Page.objects.bulk_create(pages, batch_size=5000)
    return [page.pk for page in created]


def fill(count: int, seed: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify
    from wagtail.models import Page

    from samizdat.articles.models import ArticleAuthor, ArticlePage, MonthArchivePage, YearArchivePage
    from samizdat.search.indexing import update_vectors
    from samizdat.search.models import SearchEntry

    rng = random.Random(seed)
    started = time.monotonic()
    sections, topics, people = build_skeleton()
    writers = {"en": Writer(rng, EN_FUNCTION, EN_WORDS), "es": Writer(rng, ES_FUNCTION, ES_WORDS)}
    end = timezone.now()
    start = end - datetime.timedelta(days=365 * 8)
    span = (end - start).total_seconds()
    kinds, kind_weights = zip(*KINDS, strict=True)

    print(f"skeleton in {time.monotonic() - started:.1f}s; writing {count} articles…", flush=True)
    articles = []
    for number in range(count):
        language = "en" if rng.random() < 0.6 else "es"
        writer = writers[language]
        section = rng.choices([s for s, _w in sections[language]], [w for _s, w in sections[language]])[0]
        when = start + datetime.timedelta(seconds=rng.random() * span)
        blocks, body = writer.body()
        title = writer.title()
        articles.append({
            "language": language, "section": section, "when": when, "title": title,
            "dek": writer.sentence(12, 30), "blocks": blocks, "body": body,
            "kind": rng.choices(kinds, kind_weights)[0],
            "authors": rng.sample(people, rng.choice((1, 1, 1, 2))),
            "topics": rng.sample(topics[language], rng.choice((0, 1, 1, 2, 3))),
            "slug": f"{slugify(title)[:60]}-{number}",
        })
    print(f"text generated in {time.monotonic() - started:.1f}s", flush=True)
    articles.sort(key=lambda a: (a["section"].pk, a["when"]))

    type_of = {model: ContentType.objects.get_for_model(model) for model in
               (YearArchivePage, MonthArchivePage, ArticlePage)}
    now = timezone.now()

    def page(model, title, slug, parent_url, path, numchild, locale_id, published):
        return Page(title=title, draft_title=title, slug=slug, content_type=type_of[model], live=True,
                    has_unpublished_changes=False, url_path=f"{parent_url}{slug}/", path=path,
                    depth=len(path) // STEPLEN, numchild=numchild, locale_id=locale_id,
                    first_published_at=published, last_published_at=published,
                    translation_key=uuid.uuid4(), show_in_menus=False)

    # Folders: year and month pages under each section, only where articles fall.
    months: dict[tuple[int, int, int], list[dict]] = {}
    for article in articles:
        local = timezone.localtime(article["when"])
        months.setdefault((article["section"].pk, local.year, local.month), []).append(article)
    section_by_pk = {s.pk: s for language in sections.values() for s, _w in language}
    years: dict[tuple[int, int], list[int]] = {}
    for section_pk, year, month in months:
        years.setdefault((section_pk, year), []).append(month)
    year_pages, month_pages, month_keys = [], [], []
    year_count: dict[int, int] = {}
    for (section_pk, year), month_numbers in sorted(years.items()):
        section = section_by_pk[section_pk]
        year_count[section_pk] = year_count.get(section_pk, 0) + 1
        year_path = section.path + encode(year_count[section_pk])
        year_pages.append(page(YearArchivePage, str(year), str(year), section.url_path, year_path,
                               len(month_numbers), section.locale_id, now))
        for index, month in enumerate(sorted(month_numbers), start=1):
            month_path = year_path + encode(index)
            items = months[(section_pk, year, month)]
            month_pages.append(page(MonthArchivePage, f"{year}-{month:02d}", f"{month:02d}",
                                    f"{section.url_path}{year}/", month_path, len(items),
                                    section.locale_id, now))
            month_keys.append((section_pk, year, month))
            for position, article in enumerate(items, start=1):
                article["path"] = month_path + encode(position)
                article["parent_url"] = f"{section.url_path}{year}/{month:02d}/"

    with transaction.atomic():
        year_ids = insert_pages(year_pages)
        month_ids = insert_pages(month_pages)
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            copy_rows(cursor, YearArchivePage, ["page_ptr"], ([pk] for pk in year_ids + month_ids))
            copy_rows(cursor, MonthArchivePage, ["yeararchivepage_ptr"], ([pk] for pk in month_ids))
            for section_pk, count_years in year_count.items():
                Page.objects.filter(pk=section_pk).update(numchild=count_years)
        print(f"{len(year_ids)} year and {len(month_ids)} month folders", flush=True)
        article_ids: list[int] = []
        batch = 10000
        for offset in range(0, len(articles), batch):
            chunk = articles[offset:offset + batch]
            article_ids += insert_pages([
                page(ArticlePage, a["title"], a["slug"], a["parent_url"], a["path"], 0,
                     a["section"].locale_id, a["when"]) for a in chunk
            ])
        for article, pk in zip(articles, article_ids, strict=True):
            article["pk"] = pk
        print(f"page rows in {time.monotonic() - started:.1f}s", flush=True)
        through = ArticlePage.topics.through
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            copy_rows(cursor, ArticlePage, [
                "page_ptr", "dek", "kind", "display_date", "dateline", "lead_image_caption", "video_url",
                "body", "partner_relation", "partner_name", "original_url", "section",
            ], ([a["pk"], a["dek"], a["kind"], a["when"], "", "",
                 "https://www.youtube.com/watch?v=dQw4w9WgXcQ" if a["kind"] == "video" else "",
                 json.dumps(a["blocks"]), "", "", "", a["section"].pk] for a in articles))
            copy_rows(cursor, ArticleAuthor, ["article", "person", "sort_order"], (
                [a["pk"], person.pk, order] for a in articles for order, person in enumerate(a["authors"])
            ))
            copy_rows(cursor, through, ["articlepage", "topic"], (
                [a["pk"], topic.pk] for a in articles for topic in a["topics"]
            ))
            copy_rows(cursor, SearchEntry, [
                "article", "language", "section", "kind", "display_date", "title", "dek", "people_and_topics",
                "body", "folded_title", "folded_meta", "folded_body",
            ], ([a["pk"], a["language"], a["section"].pk, a["kind"], a["when"], a["title"], a["dek"],
                 " · ".join([p.name for p in a["authors"]] + [t.name for t in a["topics"]]), a["body"],
                 "", "", ""] for a in articles))
        print(f"article rows in {time.monotonic() - started:.1f}s", flush=True)
    vectors_started = time.monotonic()
    update_vectors(SearchEntry.objects.all())
    print(f"tsvectors in {time.monotonic() - vectors_started:.1f}s", flush=True)
    with connection.cursor() as cursor:
        # The UPDATE left a dead copy of every row: compact the table as a long-lived one would be.
        cursor.execute("VACUUM (FULL, ANALYZE) search_searchentry")
        cursor.execute("ANALYZE")
    problems = Page.find_problems()
    print("tree problems (bad steplen, orphans, wrong depth, wrong numchild):",
          [len(found) for found in problems[1:]], flush=True)
    print(f"done: {count} articles in {time.monotonic() - started:.1f}s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = database_url()
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill(args.articles, args.seed)


if __name__ == "__main__":
    main()
