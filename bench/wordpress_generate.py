"""Write a synthetic WordPress export (WXR 1.2) of N posts, for the import benchmark.

    python bench/wordpress_generate.py 10000 /tmp/wp-10000.xml [--seed 8]

The file is written item by item (never held in memory) and is the same for the same N and seed.
It carries 2 to 20 authors, 30 categories with a hierarchy, 300 tags, about 20 pages with a
hierarchy, and posts with classic (wpautop-style) and block-editor bodies, [caption]s and unknown
shortcodes now and then, excerpts, 10 % drafts, 1 % scheduled, a few private and
password-protected, some sticky, 5 % video format, and comments on some. No attachments: featured
images point to ids that are not in the file, so no media is downloaded.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

SITE = "https://news.example.org"
CATEGORIES = 30
TAGS = 300
PAGES = 20

WORDS = (
    "strike union workers wages rent council housing tenants contract bargaining picket factory nurses "
    "teachers drivers port warehouse shift overtime pension budget cuts mayor minister assembly vote "
    "members branch delegate organiser ballot march rally demand hospital school transit fare energy "
    "price inflation profit shareholders management dispute agreement walkout solidarity fund leaflet "
    "meeting committee report river city district market bakery harvest farm cooperative library "
    "newspaper press freedom court ruling appeal safety inspection accident heat winter summer night "
    "morning statement spokesperson campaign petition signatures neighbourhood eviction landlord repair "
    "mould heating water bill debt loan bank climate flood clinic migrants papers border festival"
).split()
FIRST_NAMES = ("Ana", "Bilal", "Chiara", "Dmitri", "Esi", "Farid", "Greta", "Hugo", "Ines", "Jonas",
               "Kemal", "Lucía", "Mara", "Nils", "Olu", "Pilar", "Quentin", "Rosa", "Sami", "Tove")
LAST_NAMES = ("Abara", "Brandt", "Castro", "Dubois", "Eriksen", "Fontaine", "García", "Haddad", "Ivanova",
              "Jensen", "Kowalski", "López", "Moreau", "Nowak", "Okafor", "Pereira", "Quist", "Rossi")
SHORTCODES = ('[contact-form-7 id="41" title="Tip line"]', '[donate_button amount="10"]',
              '[audio src="https://news.example.org/wp-content/uploads/interview.mp3"]',
              '[su_note]Correction: an earlier version gave the wrong date.[/su_note]')
VIDEOS = ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/aqz-KE-bpKQ",
          "https://www.youtube.com/watch?v=ScMzIvxBSi4", "https://peertube.example.net/w/9c9de5e8")

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
\t<title>The Bench Gazette</title>
\t<link>{site}</link>
\t<description>Synthetic news for the import benchmark</description>
\t<pubDate>Mon, 01 Sep 2025 08:00:00 +0000</pubDate>
\t<language>en-US</language>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>{site}</wp:base_site_url>
\t<wp:base_blog_url>{site}</wp:base_blog_url>
"""


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class Writer:
    """Draws the content from one random.Random and writes it to a text stream."""

    def __init__(self, out: TextIO, seed: int) -> None:
        self.out = out
        self.rng = random.Random(seed)
        self.stats: Counter[str] = Counter()
        self.next_id = 100
        self.comment_id = 1

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self) -> str:
        text = self.words(6, 18)
        if self.rng.random() < 0.15:
            text += f' <a href="{SITE}/?p={self.rng.randint(100, 5000)}">{self.words(2, 4)}</a>'
        if self.rng.random() < 0.1:
            text = f"<strong>{self.words(2, 3)}</strong> " + text
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def title(self) -> str:
        return self.words(3, 9).capitalize()

    # Bodies -------------------------------------------------------------------------------------

    def caption(self) -> str:
        missing = self.rng.randint(900000, 999999)
        width = self.rng.choice((300, 640, 1024))
        month = self.rng.randint(1, 9)
        src = f"{SITE}/wp-content/uploads/2024/0{month}/photo-{missing}-{width}x{width // 3 * 2}.jpg"
        return (f'[caption id="attachment_{missing}" align="aligncenter" width="{width}"]'
                f'<img class="size-medium wp-image-{missing}" src="{src}" alt="{self.words(2, 5)}" '
                f'width="{width}" height="{width // 3 * 2}" /> {self.words(4, 10).capitalize()}[/caption]')

    def classic_body(self, video: str) -> str:
        parts = []
        if video:
            parts.append(video)
        for index in range(self.rng.randint(3, 14)):
            if index and self.rng.random() < 0.12:
                parts.append(f"<h2>{self.title()}</h2>")
            text = self.paragraph()
            if self.rng.random() < 0.2:  # a manual line break, which wpautop turns into <br />
                text = text.replace(". ", ".\n", 1)
            parts.append(text)
            if self.rng.random() < 0.04:
                parts.append(self.caption())
                self.stats["captions"] += 1
            if self.rng.random() < 0.03:
                parts.append(self.rng.choice(SHORTCODES))
                self.stats["unknown_shortcodes"] += 1
            if self.rng.random() < 0.05:
                items = "\n".join(f"\t<li>{self.words(3, 8)}</li>" for _ in range(3))
                parts.append(f"<ul>\n{items}\n</ul>")
        return "\n\n".join(parts)

    def block_body(self, video: str) -> str:
        blocks = []
        if video:
            provider = "youtube" if "youtu" in video else "peertube"
            attrs = f'{{"url":"{video}","type":"video","providerNameSlug":"{provider}"}}'
            blocks.append(f"<!-- wp:embed {attrs} -->\n"
                          f'<figure class="wp-block-embed is-type-video is-provider-{provider}">'
                          f'<div class="wp-block-embed__wrapper">\n{video}\n</div></figure>\n'
                          "<!-- /wp:embed -->")
        for index in range(self.rng.randint(3, 14)):
            roll = self.rng.random()
            if index and roll < 0.1:
                level = self.rng.choice((2, 3))
                attrs = "" if level == 2 else ' {"level":3}'
                blocks.append(f"<!-- wp:heading{attrs} -->\n"
                              f'<h{level} class="wp-block-heading">{self.title()}</h{level}>\n'
                              "<!-- /wp:heading -->")
            elif roll < 0.15:
                items = "".join(f"<!-- wp:list-item -->\n<li>{self.words(3, 8)}</li>\n"
                                "<!-- /wp:list-item -->\n" for _ in range(self.rng.randint(2, 5)))
                blocks.append(f'<!-- wp:list -->\n<ul class="wp-block-list">{items}</ul>\n<!-- /wp:list -->')
            elif roll < 0.19:
                name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
                blocks.append('<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n'
                              f"<p>{self.sentence()}</p>\n<!-- /wp:paragraph --><cite>{name}</cite>"
                              "</blockquote>\n<!-- /wp:quote -->")
            elif roll < 0.2:
                blocks.append('<!-- wp:jetpack/map {"mapCenter":{"lng":2.35,"lat":48.85}} -->\n'
                              '<div class="wp-block-jetpack-map"></div>\n<!-- /wp:jetpack/map -->')
                self.stats["unknown_blocks"] += 1
            blocks.append(f"<!-- wp:paragraph -->\n<p>{self.paragraph()}</p>\n<!-- /wp:paragraph -->")
        return "\n\n".join(blocks)

    # Channel ------------------------------------------------------------------------------------

    def authors(self) -> list[str]:
        logins = []
        for author_id in range(1, self.rng.randint(2, 20) + 1):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            ascii_name = unicodedata.normalize("NFKD", first.lower()).encode("ascii", "ignore").decode()
            login = f"{ascii_name}{author_id}"
            display = f"{first} {last}"
            if author_id == 2:  # WordPress exports sometimes carry odd display names
                display = f"  {first} &amp; “{last}”  "
            logins.append(login)
            self.out.write(
                f"\t<wp:author><wp:author_id>{author_id}</wp:author_id>"
                f"<wp:author_login>{cdata(login)}</wp:author_login>"
                f"<wp:author_email>{cdata(login + '@news.example.org')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(display)}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(first)}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(last)}</wp:author_last_name></wp:author>\n")
        self.stats["authors"] = len(logins)
        return logins

    def categories(self) -> list[tuple[str, str]]:
        made: list[tuple[str, str]] = []
        slugs: set[str] = set()
        while len(made) < CATEGORIES:
            name = self.words(1, 2).title()
            slug = name.lower().replace(" ", "-")
            if slug in slugs:
                continue
            slugs.add(slug)
            parent = ""
            if len(made) >= 6 and self.rng.random() < 0.6:
                parent = made[self.rng.randrange(len(made))][1]
            made.append((name, slug))
            self.out.write(
                f"\t<wp:category><wp:term_id>{len(made) + 1}</wp:term_id>"
                f"<wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
                f"<wp:category_parent>{cdata(parent)}</wp:category_parent>"
                f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n")
            self.stats["child_categories" if parent else "top_categories"] += 1
        self.stats["categories"] = len(made)
        return made

    def tags(self) -> list[tuple[str, str]]:
        made: list[tuple[str, str]] = []
        slugs: set[str] = set()
        while len(made) < TAGS:
            name = self.words(1, 3)
            slug = name.replace(" ", "-")
            if slug in slugs:
                continue
            slugs.add(slug)
            made.append((name, slug))
            self.out.write(
                f"\t<wp:tag><wp:term_id>{100 + len(made)}</wp:term_id>"
                f"<wp:tag_slug>{cdata(slug)}</wp:tag_slug><wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n")
        self.stats["tags"] = len(made)
        return made

    # Items --------------------------------------------------------------------------------------

    def comments(self, when: datetime) -> str:
        out = []
        for _ in range(self.rng.randint(1, 6)):
            when += timedelta(minutes=self.rng.randint(5, 3000))
            out.append(
                f"\t\t<wp:comment><wp:comment_id>{self.comment_id}</wp:comment_id>"
                f"<wp:comment_author>{cdata(self.rng.choice(FIRST_NAMES))}</wp:comment_author>"
                f"<wp:comment_author_email>{cdata('reader@example.net')}</wp:comment_author_email>"
                f"<wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP>{cdata('192.0.2.1')}"
                f"</wp:comment_author_IP><wp:comment_date>{cdata(when.strftime('%Y-%m-%d %H:%M:%S'))}"
                f"</wp:comment_date><wp:comment_date_gmt>{cdata(when.strftime('%Y-%m-%d %H:%M:%S'))}"
                f"</wp:comment_date_gmt><wp:comment_content>{cdata(self.paragraph())}</wp:comment_content>"
                f"<wp:comment_approved>{cdata('1')}</wp:comment_approved><wp:comment_type>{cdata('comment')}"
                f"</wp:comment_type><wp:comment_parent>0</wp:comment_parent>"
                f"<wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n")
            self.comment_id += 1
        self.stats["comments"] += len(out)
        return "".join(out)

    def item(self, *, post_id: int, post_type: str, status: str, title: str, slug: str, link: str,
             when: datetime | None, creator: str, content: str, excerpt: str = "", parent: int = 0,
             menu_order: int = 0, password: str = "", sticky: bool = False, terms: str = "",
             meta: dict[str, str] | None = None, comments: str = "") -> None:
        query = "page_id" if post_type == "page" else "p"
        local = when.strftime("%Y-%m-%d %H:%M:%S") if when else "0000-00-00 00:00:00"
        pub = when.strftime("%a, %d %b %Y %H:%M:%S +0000") if when else ""
        metas = "".join(f"\t\t<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
                        f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>\n"
                        for key, value in (meta or {}).items())
        self.out.write(
            f"\t<item>\n\t\t<title>{escape(title)}</title>\n\t\t<link>{escape(link)}</link>\n"
            f"\t\t<pubDate>{pub}</pubDate>\n\t\t<dc:creator>{cdata(creator)}</dc:creator>\n"
            f'\t\t<guid isPermaLink="false">{SITE}/?{query}={post_id}</guid>\n'
            f"\t\t<description></description>\n\t\t<content:encoded>{cdata(content)}</content:encoded>\n"
            f"\t\t<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>\n"
            f"\t\t<wp:post_id>{post_id}</wp:post_id>\n\t\t<wp:post_date>{cdata(local)}</wp:post_date>\n"
            f"\t\t<wp:post_date_gmt>{cdata(local)}</wp:post_date_gmt>\n"
            f"\t\t<wp:post_modified>{cdata(local)}</wp:post_modified>\n"
            f"\t\t<wp:post_modified_gmt>{cdata(local)}</wp:post_modified_gmt>\n"
            f"\t\t<wp:comment_status>{cdata('open')}</wp:comment_status>\n"
            f"\t\t<wp:ping_status>{cdata('open')}</wp:ping_status>\n"
            f"\t\t<wp:post_name>{cdata(slug)}</wp:post_name>\n\t\t<wp:status>{cdata(status)}</wp:status>\n"
            f"\t\t<wp:post_parent>{parent}</wp:post_parent>\n\t\t<wp:menu_order>{menu_order}</wp:menu_order>\n"
            f"\t\t<wp:post_type>{cdata(post_type)}</wp:post_type>\n"
            f"\t\t<wp:post_password>{cdata(password)}</wp:post_password>\n"
            f"\t\t<wp:is_sticky>{int(sticky)}</wp:is_sticky>\n{terms}{metas}{comments}\t</item>\n")

    def pages(self, logins: list[str]) -> None:
        made: list[tuple[int, str]] = []
        for index in range(PAGES):
            post_id = self.next_id
            self.next_id += 1
            title = self.title()
            slug = f"{title.lower().replace(' ', '-')[:40].strip('-')}-{index}"
            parent_id, path = 0, slug
            if made and self.rng.random() < 0.5:
                parent_id, parent_path = made[self.rng.randrange(len(made))]
                path = f"{parent_path}/{slug}"
                self.stats["child_pages"] += 1
            made.append((post_id, path))
            body = self.block_body("") if index % 2 else self.classic_body("")
            self.item(post_id=post_id, post_type="page", status="publish", title=title, slug=slug,
                      link=f"{SITE}/{path}/", when=datetime(2016, 1, 1) + timedelta(days=index * 40),
                      creator=logins[0], content=body, parent=parent_id, menu_order=index)
        self.stats["pages"] = len(made)

    def statuses(self, count: int) -> list[str]:
        """Exactly 10 % drafts, 1 % scheduled, a few private and password-protected, the rest published."""
        drafts, future = round(count * 0.10), max(1, round(count * 0.01))
        private = password = max(1, count // 500)
        plan = ["draft"] * drafts + ["future"] * future + ["private"] * private + ["password"] * password
        plan += ["publish"] * (count - len(plan))
        self.rng.shuffle(plan)
        return plan

    def posts(self, count: int, logins: list[str], categories: list[tuple[str, str]],
              tags: list[tuple[str, str]]) -> None:
        plan = self.statuses(count)
        videos = set(self.rng.sample(range(count), round(count * 0.05)))
        published = [index for index, status in enumerate(plan) if status == "publish"]
        sticky = set(self.rng.sample(published, min(len(published), max(1, min(8, count // 100)))))
        start = datetime(2015, 1, 1, 7, 0)
        step = timedelta(days=3650) / max(count, 1)
        slugs: set[str] = set()
        for index, status in enumerate(plan):
            post_id = self.next_id
            self.next_id += 1
            title = self.title()
            slug = "-".join(title.lower().split())[:60].strip("-")
            if slug in slugs:
                slug = f"{slug}-{post_id}"
            slugs.add(slug)
            when = start + step * index + timedelta(minutes=self.rng.randint(0, 600))
            password = ""
            if status == "future":
                when = datetime(2031, 1, 1, 9) + timedelta(days=index)
            elif status == "password":
                status, password = "publish", "solidarity"
            elif status == "draft" and self.rng.random() < 0.5:
                when = None  # an unsent draft has no date in the export
            self.stats["drafts" if status == "draft" else status] += 1
            self.stats["password"] += bool(password)
            video = self.rng.choice(VIDEOS) if index in videos else ""
            body = self.block_body(video) if self.rng.random() < 0.5 else self.classic_body(video)
            self.stats["block_bodies" if body.startswith("<!-- wp:") else "classic_bodies"] += 1
            terms = []
            for name, cslug in self.rng.sample(categories, self.rng.choice((1, 1, 1, 2, 3))):
                terms.append(f'\t\t<category domain="category" nicename={quoteattr(cslug)}>'
                             f"{cdata(name)}</category>\n")
            for name, tslug in self.rng.sample(tags, self.rng.randint(0, 6)):
                terms.append(f'\t\t<category domain="post_tag" nicename={quoteattr(tslug)}>'
                             f"{cdata(name)}</category>\n")
            if video:
                terms.append('\t\t<category domain="post_format" nicename="post-format-video">'
                             f'{cdata("Video")}</category>\n')
                self.stats["video"] += 1
            meta = {"_edit_last": "1"}
            if self.rng.random() < 0.2:
                meta["_thumbnail_id"] = str(self.rng.randint(900000, 999999))  # not in the file
            comments = ""
            if status == "publish" and self.rng.random() < 0.3:
                comments = self.comments(when)
                self.stats["posts_with_comments"] += 1
            dated = when or start
            excerpt = self.sentence() if self.rng.random() < 0.6 else ""
            link = f"{SITE}/{dated:%Y/%m}/{slug}/" if status == "publish" else f"{SITE}/?p={post_id}"
            self.item(post_id=post_id, post_type="post", status=status, title=title, slug=slug, link=link,
                      when=when, creator=self.rng.choice(logins), content=body, excerpt=excerpt,
                      password=password, sticky=index in sticky, terms="".join(terms), meta=meta,
                      comments=comments)
            self.stats["sticky"] += index in sticky
        self.stats["posts"] = count


def generate(count: int, path: Path | str, *, seed: int = 8) -> Counter[str]:
    """Write an export of `count` posts to `path`; returns what it wrote, by kind."""
    with open(path, "w", encoding="utf-8") as out:
        writer = Writer(out, seed)
        out.write(HEADER.format(site=SITE))
        logins = writer.authors()
        categories = writer.categories()
        tags = writer.tags()
        writer.pages(logins)
        writer.posts(count, logins, categories, tags)
        out.write("</channel>\n</rss>\n")
    return writer.stats


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many posts")
    parser.add_argument("out", type=Path, help="the .xml file to write")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    stats = generate(args.count, args.out, seed=args.seed)
    size = args.out.stat().st_size / 1e6
    counts = ", ".join(f"{key} {value}" for key, value in sorted(stats.items()))
    print(f"{args.out}: {size:.1f} MB, {counts}")


if __name__ == "__main__":
    sys.exit(main())
