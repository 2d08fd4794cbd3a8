"""Demo content for reader-funded drives: one campaign in English and Spanish, its perks and gifts.

The gifts are written as history, straight into the ledger (nobody is mailed while the demo
loads): received gifts spread over the past three weeks so the admin's chart has a shape, two
monthly donors, a partial refund, T-shirts sent and still to send, and three offline pledges an
editor can mark received. The Spanish page is a translation with its own (smaller) tally.
No gift has Stripe customer or subscription ids: the demo has no Stripe account, and a monthly
donor's page can then cancel locally instead of asking Stripe.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from samizdat.campaigns.models import CampaignPage, Donation, Payment, Perk, PerkChoice, PerkClaim
from samizdat.demo import articles as A

GOAL = 500_000  # €5,000 in cents
SUGGESTED = "10, 30, 50, 100"
BOOK, SHIRT = "book", "shirt"
CAMERA, TRUTH = "Camera and red star", "Print the truth"
SIZES = ["S", "M", "L", "XL"]
FALLBACK_READING = ["Red Ledger Quarterly No. 12", "Why We Organise", "A People's History of the Docks"]

TITLE_EN = "Kick-start our video desk"
INTRO_EN = ("Five thousand euros buys two cameras, a sound kit and an editing computer, and puts our "
            "reporters on the picket lines with them by spring.")
VIDEO_CAPTION_EN = "Our bakery-strike film, shot on two borrowed cameras and a phone."
STORY_EN = [
    "<p>Last winter we filmed a bakery strike with two borrowed cameras and a phone. More people watched "
    "that film than have ever read anything we printed, and the strikers won. We want every strike we "
    "cover to have that chance, without begging for equipment each time.</p>",
    "<h2>What the money buys</h2>",
    "<ul><li>Two second-hand cameras with spare batteries: €1,800</li>"
    "<li>A sound kit for interviews in loud places: €700</li>"
    "<li>An editing computer: €1,500</li>"
    "<li>Training for six reporters, taught by a union camera operator: €1,000</li></ul>",
    "<p>When the drive ends we will publish here what we spent, receipt by receipt.</p>",
    "<p>We take no advertising and no money from parties or employers. The video desk will be paid for "
    "by the people who watch it, or it will not exist.</p>",
]
OFFLINE_EN = ("Bank transfer to The Red Ledger Cooperative\n"
              "IBAN: XX00 DEMO 0000 0000 0000 00 (made up: this is a demo account, send nothing)\n"
              "Reference: the code in your pledge email, e.g. SZ-000123\n"
              "Or bring cash to our office, Calle Imaginaria 7, on weekdays from 10:00 to 18:00.")
THANKS_EN = ("<p>Thank you. When the first film from the new cameras is out, you will be the first to "
             "know.</p>")
PERKS_EN = {
    BOOK: ("Pick a magazine issue or a book", "Which one",
           "A printed copy, handed over at our office or at any of our events."),
    SHIRT: ("T-shirt", "Design", "Size", "Organic cotton, printed by a workers' cooperative."),
}

TITLE_ES = "Pon en marcha nuestra mesa de vídeo"
INTRO_ES = ("Con cinco mil euros compramos dos cámaras, un equipo de sonido y un ordenador de edición, y en "
            "primavera nuestras reporteras estarán grabando en los piquetes.")
VIDEO_CAPTION_ES = "Nuestra película sobre la huelga de la panadería, grabada con dos cámaras prestadas."
STORY_ES = [
    "<p>El invierno pasado grabamos una huelga en una panadería con dos cámaras prestadas y un móvil. "
    "Esa película la vio más gente que cualquier cosa que hayamos impreso, y las huelguistas ganaron. "
    "Queremos que cada huelga que cubrimos tenga esa oportunidad, sin pedir equipo prestado cada vez.</p>",
    "<h2>En qué se gasta el dinero</h2>",
    "<ul><li>Dos cámaras de segunda mano con baterías de repuesto: 1.800 €</li>"
    "<li>Un equipo de sonido para entrevistas con ruido: 700 €</li>"
    "<li>Un ordenador de edición: 1.500 €</li>"
    "<li>Formación para seis reporteras, a cargo de un operador de cámara sindicado: 1.000 €</li></ul>",
    "<p>Cuando acabe la campaña publicaremos aquí en qué lo hemos gastado, recibo a recibo.</p>",
]
OFFLINE_ES = ("Transferencia a The Red Ledger Cooperativa\n"
              "IBAN: XX00 DEMO 0000 0000 0000 00 (inventado: es una cuenta de demostración, no envíes nada)\n"
              "Concepto: el código de tu correo de compromiso, p. ej. SZ-000123\n"
              "O trae el dinero a la redacción, Calle Imaginaria 7, de lunes a viernes de 10:00 a 18:00.")
THANKS_ES = ("<p>Gracias. Cuando salga la primera película de las cámaras nuevas, serás de las primeras "
             "personas en saberlo.</p>")
PERKS_ES = {
    BOOK: ("Elige un número de la revista o un libro", "Cuál",
           "Un ejemplar impreso, que recoges en la redacción o en cualquiera de nuestros actos."),
    SHIRT: ("Camiseta", "Diseño", "Talla",
            "Algodón orgánico, estampada por una cooperativa."),
}
DESIGNS_ES = {CAMERA: "Cámara y estrella roja", TRUTH: "Imprime la verdad"}

# Received gifts. days ago, name, amount (€), method, monthly, name on the wall ("" for not public,
# None for the name itself), message, perk, choices, shipped
S, OFF = Donation.Method.STRIPE, Donation.Method.OFFLINE
GIFTS_EN = [
    (20, "Marisol Echeverría", 50, S, False, "Marisol E.", "Finally, our own cameras at the picket lines.",
     SHIRT, (CAMERA, "M"), True),
    (20, "Tobias Lindqvist", 10, S, False, None, "", None, (), False),
    (19, "Dockers' Strike Committee", 250, OFF, False, None,
     "From the strike fund, with thanks for a year of honest coverage.", None, (), False),
    (18, "Aylin Kaya", 30, S, False, "Aylin", "", BOOK, (0,), False),
    (18, "Jon Etxeberria", 20, S, True, "Jon", "Monthly, until the desk is running.", None, (), False),
    (17, "Priscilla Mensah", 50, S, False, None, "", SHIRT, (TRUTH, "L"), True),
    (16, "Hugo Brandt", 100, S, False, "", "", None, (), False),  # €40 of it refunded: a typo, €60 meant
    (15, "陈静", 30, S, False, None, "For the video desk! 加油!", None, (), False),
    (14, "Ruth Okafor", 10, S, True, "Ruth O.", "", None, (), False),
    (13, "Bilbao Tenants' Union", 100, OFF, False, None, "Film the evictions and we will be there.", None, (),
     False),
    (12, "Marek Nowicki", 50, S, False, "", "", SHIRT, (CAMERA, "XL"), False),
    (12, "Fatima Benali", 25, S, False, "Fatima", "", None, (), False),
    (11, "Sebastián Rojas", 30, S, False, "Seba", "Long live the independent press.", BOOK, (2,), False),
    (10, "Ingrid Halvorsen", 15, S, False, None, "", None, (), False),
    (9, "Kofi Boateng", 50, OFF, False, "Kofi", "", SHIRT, (CAMERA, "L"), True),
    (8, "Lucía Paredes", 10, S, False, None, "", None, (), False),
    (7, "Oliver Grant", 40, S, False, "", "", None, (), False),
    (6, "Amina Yusuf", 30, S, False, None, "Every union branch should have one of these.", BOOK, (1,), False),
    (5, "The Night Shift Poets", 60, OFF, False, None, "A poem is no good unfilmed. Go get them.", None, (),
     False),
    (4, "Dario Ferri", 50, S, False, "Dario", "", SHIRT, (CAMERA, "S"), False),
    (3, "Hana Novak", 20, S, False, None, "", None, (), False),
    (2, "Pablo Iriarte", 100, S, False, "Pablo", "For the strikers nobody ever points a camera at.", None,
     (), False),
    (1, "Greta Vogel", 10, S, False, "", "", None, (), False),
    (1, "Samuel Adeyemi", 35, S, False, None, "", None, (), False),
    (0, "Teachers' Assembly of Barakaldo", 75, OFF, False, None, "", None, (), False),
]
REFUNDED_EN = ("Hugo Brandt", 40)
# Offline pledges still waiting for the money: days ago, name, amount, name on the wall, perk, choices
PLEDGES_EN = [
    (3, "Elif Aydın", 30, "Elif", BOOK, (0,)),
    (1, "Nuno Carvalho", 50, None, SHIRT, (TRUTH, "XL")),
    (0, "Weronika Zielińska", 10, "", None, ()),
]
GIFTS_ES = [
    (15, "Ane Urrutia", 30, S, False, None, "¡A por ello!", BOOK, (0,), False),
    (11, "Asamblea de Vecinas de Otxarkoaga", 100, OFF, False, None, "Contad con nosotras.", None, (), False),
    (7, "Rubén Castaño", 50, S, False, "Rubén", "", SHIRT, (DESIGNS_ES[TRUTH], "M"), False),
    (4, "Marta Gil", 10, S, True, None, "", None, (), False),
    (2, "Joaquín Pérez", 20, S, False, "", "", None, (), False),
]
PLEDGES_ES: list = []

ADDRESSES = [
    ("Calle de la Ribera 14, 3º izda.\n48005 Bilbao", "Spain"),
    ("Rua das Flores 88\n4050-262 Porto", "Portugal"),
    ("ul. Przykładowa 5/12\n00-950 Warszawa", "Poland"),
    ("12 Harbour Row\nLiverpool L3 4XX", "United Kingdom"),
    ("Via dei Tessitori 3\n20121 Milano", "Italy"),
]


def _story(video: tuple[str, int | None] | None, caption: str, paragraphs: list[str]) -> list[dict]:
    blocks = []
    if video is not None:
        url, poster = video
        blocks.append({"type": "video", "value": {"url": url, "poster": poster, "caption": caption},
                       "id": str(uuid.uuid4())})
    return blocks + [{"type": "paragraph", "value": text, "id": str(uuid.uuid4())} for text in paragraphs]


def _reading_list() -> list[str]:
    """The demo's own publications, to pick one as a perk (made-up titles if there are none)."""
    from samizdat.publications.models import BookPage, MagazineIssuePage

    titles = [f"{issue.get_parent().title} No. {issue.number}: {issue.title}"
              for issue in MagazineIssuePage.objects.filter(locale__language_code="en").order_by("pk")]
    titles += list(BookPage.objects.filter(locale__language_code="en").order_by("pk")
                   .values_list("title", flat=True))
    return titles[:3] if len(titles) >= 3 else FALLBACK_READING


def _perks(texts: dict, reading: list[str], designs: dict[str, str]) -> list[Perk]:
    book_title, book_question, book_text = texts[BOOK]
    shirt_title, design_question, size_question, shirt_text = texts[SHIRT]
    book = Perk(title=book_title, minimum=3000, description=book_text, sort_order=0)
    book.choices = [PerkChoice(question=book_question, label=label, sort_order=order)
                    for order, label in enumerate(reading)]
    shirt = Perk(title=shirt_title, minimum=5000, description=shirt_text, ships=True, sort_order=1)
    shirt.choices = [
        PerkChoice(question=design_question, label=designs.get(CAMERA, CAMERA), stock=40, sort_order=0),
        PerkChoice(question=design_question, label=designs.get(TRUTH, TRUTH), stock=3, sort_order=1),
        *(PerkChoice(question=size_question, label=size, sort_order=2 + n) for n, size in enumerate(SIZES)),
    ]
    return [book, shirt]


def _campaign(loader, started, video) -> CampaignPage:
    page = CampaignPage(
        title=TITLE_EN, slug="video-desk", intro=INTRO_EN, story=_story(video, VIDEO_CAPTION_EN, STORY_EN),
        goal=GOAL, currency="EUR",
        deadline=(loader.now + timedelta(weeks=5)).replace(hour=22, minute=0, second=0, microsecond=0),
        suggested_amounts=SUGGESTED, offline_instructions=OFFLINE_EN, thanks=THANKS_EN,
        locale=loader.en, live=False, show_in_menus=True, owner=loader.editor,
    )
    page.perks = _perks(PERKS_EN, _reading_list(), {})
    loader.home_en.add_child(instance=page)
    return loader._publish(page, started)


def _translation(loader, campaign: CampaignPage, started, video) -> CampaignPage:
    """The Spanish page: a translation of the English one, with perks in Spanish (and its own stock)."""
    page = campaign.copy_for_translation(loader.es)
    page.title, page.slug, page.intro = TITLE_ES, "mesa-de-video", INTRO_ES
    page.story = _story(video, VIDEO_CAPTION_ES, STORY_ES)
    page.offline_instructions, page.thanks = OFFLINE_ES, THANKS_ES
    reading = list(PerkChoice.objects.filter(perk__campaign=campaign, perk__sort_order=0)
                   .order_by("sort_order").values_list("label", flat=True))
    page.perks = _perks(PERKS_ES, reading, DESIGNS_ES)
    page.owner = loader.editor
    return loader._publish(page, started)


def _gifts(loader, page: CampaignPage, gifts: list, pledges: list, language: str, prefix: str,
           refunded: tuple[str, int] | None = None) -> None:
    """Write the gifts as they would be after the form, Stripe's webhooks and editors' clicks."""
    perks = {BOOK: page.perks.get(sort_order=0), SHIRT: page.perks.get(sort_order=1)}
    choices: dict[tuple[int, str], PerkChoice] = {}
    ordered: dict[int, list[PerkChoice]] = {}
    for choice in PerkChoice.objects.filter(perk__campaign=page).order_by("sort_order"):
        choices[(choice.perk_id, choice.label)] = choice
        ordered.setdefault(choice.perk_id, []).append(choice)

    def picked(perk: Perk | None, picks: tuple) -> list[PerkChoice]:
        if perk is None:
            return []
        # An int picks the n-th choice (the reading list); text picks by label (design, size).
        return [ordered[perk.pk][pick] if isinstance(pick, int) else choices[(perk.pk, pick)]
                for pick in picks]

    rows = []  # (donation, choices, received at or None)
    address = 0
    entries = [(*gift, True) for gift in gifts] + [
        (days, name, amount, OFF, False, wall, "", perk, picks, False, False)
        for days, name, amount, wall, perk, picks in pledges]
    for number, (days, name, amount, method, monthly, wall, message, perk_key, picks, shipped,
                 received) in enumerate(entries):
        when = loader.now - timedelta(days=days, hours=(number * 7) % 9 + 1, minutes=(number * 13) % 60)
        perk = perks[perk_key] if perk_key else None
        taken = picked(perk, picks)
        ship_to = ship_country = ""
        if perk is not None and perk.ships:
            ship_to, ship_country = ADDRESSES[address % len(ADDRESSES)]
            ship_to = f"{name}\n{ship_to}"
            address += 1
        created = when - (timedelta(days=2) if method == OFF and received else timedelta(minutes=3))
        donation = Donation(
            campaign=page, amount=amount * 100, currency="EUR", method=method,
            frequency=Donation.Frequency.MONTHLY if monthly else Donation.Frequency.ONCE,
            status=Donation.Status.PAID if received else Donation.Status.PENDING,
            name=name, email=f"{prefix}{number}@example.org", is_public=wall != "",
            display_name="" if wall == "" else (wall or name), message=message if wall != "" else "",
            language=language, perk=perk, perk_title=perk.title if perk else "",
            perk_choices={choice.question: choice.label for choice in taken},
            ship_to=ship_to, ship_country=ship_country,
            shipped_at=when + timedelta(days=2) if shipped else None,
            stripe_session=f"cs_demo_{prefix}{number}" if method == S else "",
            stripe_payment_intent=f"pi_demo_{prefix}{number}" if method == S else "",
            created_at=created, paid_at=when if received else None,
        )
        rows.append((donation, taken, when if received else None))

    wanted = {id(donation): donation.created_at for donation, _taken, _when in rows}
    donations = Donation.objects.bulk_create([donation for donation, _taken, _when in rows])
    for donation in donations:
        donation.created_at = wanted[id(donation)]  # auto_now_add wrote "now" on the way in
    Donation.objects.bulk_update(donations, ["created_at"])
    PerkClaim.objects.bulk_create([PerkClaim(donation=donation, choice=choice)
                                   for donation, taken, _when in rows for choice in taken])
    payments = []
    for donation, _taken, when in rows:
        if when is None:
            continue
        if donation.method == OFF:
            reference, intent = f"offline:{donation.pk}", ""
        elif donation.frequency == Donation.Frequency.MONTHLY:
            reference, intent = f"invoice:in_demo_{donation.pk}", donation.stripe_payment_intent
        else:
            reference = intent = donation.stripe_payment_intent
        payments.append(Payment(donation=donation, amount=donation.amount, reference=reference,
                                payment_intent=intent, received_at=when))
        if refunded and donation.name == refunded[0]:
            back = refunded[1] * 100
            payments.append(Payment(donation=donation, kind=Payment.Kind.REFUND, amount=-back,
                                    reference=f"refund:ch_demo_{donation.pk}:{back}",
                                    payment_intent=intent, received_at=when + timedelta(days=1)))
    Payment.objects.bulk_create(payments)


def load(loader) -> None:
    """The campaign under the English home (in the footer menu) and its Spanish translation."""
    started = loader.now - timedelta(days=22)
    url, _caption = A.EXTRA_VIDEOS["bakery-strike-film"]
    poster = next(iter(loader.illustrations.values()), None)
    video = (url, poster.pk if poster else None)
    campaign = _campaign(loader, started, video)
    campaign_es = _translation(loader, campaign, started, video)
    _gifts(loader, campaign, GIFTS_EN, PLEDGES_EN, "en", "giver-", REFUNDED_EN)
    _gifts(loader, campaign_es, GIFTS_ES, PLEDGES_ES, "es", "donante-")
