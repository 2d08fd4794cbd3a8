"""The demo outlet's fixed data: masthead, sections, topics, people and illustrations.

Everything here is invented: the outlet, its contributors, the companies and the
disputes it reports on. Articles live in `articles.py`, body prose in `prose.py` and
the Spanish edition in `spanish.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

OUTLET_NAME = "The Red Ledger"
HOME_SLUG = "red-ledger"
TAGLINE_EN = "A daily of the workers' movement: news, analysis and debate from below."
TAGLINE_ES = "Un diario del movimiento obrero: noticias, análisis y debate desde abajo."
HOME_TITLE_ES = "The Red Ledger en español"
CREDIT = "Illustration: The Red Ledger studio"
DESCRIPTION = (
    "The Red Ledger reports on strikes, tenants' fights and movements for peace from the people "
    "who wage them. No ads, no trackers, no paywall: readers pay for it."
)
PUBLIC_EMAIL = "desk@redledger.example"
PUBLIC_PHONE = "+1 555 0100"
FEDIVERSE_HANDLE = "@ledger@localhost"


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    slug: str
    description: str
    title_es: str
    slug_es: str
    description_es: str


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "labor", "Labor", "labor",
        "Strikes, union drives and the everyday conflicts of the workplace, reported with the "
        "people who are in them.",
        "Trabajo", "trabajo",
        "Huelgas, campañas de sindicalización y los conflictos cotidianos del lugar de trabajo, "
        "contados junto a quienes los protagonizan.",
    ),
    SectionSpec(
        "international", "International", "international",
        "War, crisis and resistance around the world, with a bias for the voices of workers "
        "over those of states.",
        "Internacional", "internacional",
        "Guerra, crisis y resistencia en todo el mundo, con preferencia por la voz de los "
        "trabajadores antes que la de los Estados.",
    ),
    SectionSpec(
        "ideas", "Ideas & Debates", "ideas",
        "Essays, polemics and history: the arguments the left needs to have, had in public.",
        "Ideas y debates", "ideas",
        "Ensayos, polémicas e historia: los debates que la izquierda necesita, hechos en público.",
    ),
    SectionSpec(
        "video", "Video", "video",
        "Reports from picket lines and neighborhoods, interviews, and our short courses in "
        "political economy.",
        "Vídeo", "video",
        "Reportajes desde piquetes y barrios, entrevistas y nuestros cursos breves de economía "
        "política.",
    ),
    SectionSpec(
        "movements", "Movements", "movements",
        "Feminist, anti-racist, migrant, queer and tenant struggles, and the fight against the "
        "far right.",
        "Movimientos", "movimientos",
        "Luchas feministas, antirracistas, migrantes, LGTBI y de inquilinas, y la lucha contra la "
        "extrema derecha.",
    ),
    SectionSpec(
        "culture", "Culture", "culture",
        "Books, film, music and art made by, for and about working people.",
        "Cultura", "cultura",
        "Libros, cine, música y arte hechos por, para y sobre la gente trabajadora.",
    ),
)

TOPIC_INDEX = {
    "title": "Topics", "slug": "topics",
    "intro": "Every subject we follow across sections, from the war in Ukraine to housing.",
    "title_es": "Temas", "slug_es": "temas",
    "intro_es": "Todos los temas que seguimos en las distintas secciones, de la guerra en "
                "Ucrania a la vivienda.",
}

PEOPLE_INDEX = {
    "title": "Authors", "slug": "authors",
    "intro": "The reporters, editors, correspondents and guests who write and film for us.",
    "title_es": "Autores", "slug_es": "autores",
    "intro_es": "Las periodistas, editores, corresponsales e invitados que escriben y graban "
                "para nosotros.",
}


@dataclass(frozen=True)
class TopicSpec:
    key: str
    name: str
    description: str
    name_es: str
    slug_es: str
    description_es: str


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec("war-in-ukraine", "War in Ukraine",
              "The invasion, the resistance, and the workers and unions living through both.",
              "Guerra en Ucrania", "guerra-en-ucrania",
              "La invasión, la resistencia, y los trabajadores y sindicatos que viven ambas."),
    TopicSpec("stalinism", "Stalinism",
              "The history of bureaucratic dictatorship in socialism's name, and its legacy on the left.",
              "Estalinismo", "estalinismo",
              "La historia de la dictadura burocrática en nombre del socialismo y su herencia en la "
              "izquierda."),
    TopicSpec("strikes", "Strikes",
              "Walkouts, stoppages and occupations: how they are organized, and how they are won.",
              "Huelgas", "huelgas",
              "Paros, huelgas y ocupaciones: cómo se organizan y cómo se ganan."),
    TopicSpec("housing", "Housing",
              "Rents, evictions, tenants' unions and the fight for homes as a right.",
              "Vivienda", "vivienda",
              "Alquileres, desahucios, sindicatos de inquilinas y la lucha por la vivienda como derecho."),
    TopicSpec("climate", "Climate",
              "The climate crisis as a class question: who pays, who profits, who organizes.",
              "Clima", "clima",
              "La crisis climática como cuestión de clase: quién paga, quién gana, quién se organiza."),
    TopicSpec("migration", "Migration",
              "Borders, deportations, and the migrant workers who hold whole economies together.",
              "Migración", "migracion",
              "Fronteras, deportaciones y los trabajadores migrantes que sostienen economías enteras."),
    TopicSpec("palestine", "Palestine",
              "Occupation, war and the international solidarity movement, including in the unions.",
              "Palestina", "palestina",
              "Ocupación, guerra y el movimiento internacional de solidaridad, también en los sindicatos."),
    TopicSpec("feminism", "Feminism",
              "Care work, reproductive rights, equal pay and the women's strike.",
              "Feminismo", "feminismo",
              "Trabajo de cuidados, derechos reproductivos, igualdad salarial y la huelga feminista."),
    TopicSpec("trade-unions", "Trade Unions",
              "Organizing, bargaining and democracy inside the unions.",
              "Sindicatos", "sindicatos",
              "Organización, negociación colectiva y democracia dentro de los sindicatos."),
    TopicSpec("elections", "Elections",
              "Campaigns, parties and the question of what the left can win at the ballot box.",
              "Elecciones", "elecciones",
              "Campañas, partidos y la pregunta de qué puede ganar la izquierda en las urnas."),
    TopicSpec("far-right", "Far Right",
              "The rise of the far right and the movements that stand against it.",
              "Extrema derecha", "extrema-derecha",
              "El auge de la extrema derecha y los movimientos que le hacen frente."),
    TopicSpec("logistics", "Logistics",
              "Warehouses, ports, couriers and the supply chains that run the world.",
              "Logística", "logistica",
              "Almacenes, puertos, repartidores y las cadenas de suministro que mueven el mundo."),
    TopicSpec("health-care", "Health Care",
              "Hospitals, clinics and care homes, and the people who staff them.",
              "Sanidad", "sanidad",
              "Hospitales, centros de salud y residencias, y la gente que trabaja en ellos."),
    TopicSpec("education", "Education",
              "Schools and universities as workplaces, and the fight over what they are for.",
              "Educación", "educacion",
              "Escuelas y universidades como lugares de trabajo, y la disputa sobre para qué sirven."),
    TopicSpec("labor-history", "Labor History",
              "The past struggles of the workers' movement, and what they teach today.",
              "Historia obrera", "historia-obrera",
              "Las luchas pasadas del movimiento obrero y lo que nos enseñan hoy."),
)


@dataclass(frozen=True)
class PersonSpec:
    slug: str
    name: str
    role: str
    bio: str
    palette: str
    fediverse_handle: str = ""


PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("marta-quiroga", "Marta Quiroga", "staff",
               "Labor editor. Covered port, warehouse and care-sector disputes for a decade before "
               "joining the paper's founding collective. Still answers every tip from a picket line.",
               "red", "@marta@social.example"),
    PersonSpec("daniel-okafor", "Daniel Okafor", "staff",
               "International editor. Previously worked for a union federation's research office, "
               "where he learned to read company accounts as closely as communiqués.",
               "ochre", "@okafor@social.example"),
    PersonSpec("ilse-brandt", "Ilse Brandt", "correspondent",
               "Correspondent in Berlin. Writes about the far right, the unions and the long "
               "afterlife of the Cold War in German politics.",
               "slate"),
    PersonSpec("tomas-vidal", "Tomás Vidal", "correspondent",
               "Correspondent in Madrid, covering Spain, Portugal and Latin America. Former "
               "schoolteacher and member of his union's regional executive.",
               "coral", "@tomas@social.example"),
    PersonSpec("priya-natarajan", "Priya Natarajan", "staff",
               "Editor of Ideas & Debates. Historian of the labor movement, working on a book about "
               "workers' education in the interwar years.",
               "violet", "@priya@social.example"),
    PersonSpec("oleksa-hnatiuk", "Oleksa Hnatiuk", "correspondent",
               "Correspondent in Kyiv. Reports on Ukraine's independent unions, the war economy "
               "and the people rebuilding under fire. Translates from Ukrainian and Russian.",
               "teal"),
    PersonSpec("samira-haddad", "Samira Haddad", "correspondent",
               "Correspondent in Amman, covering Palestine, Jordan and the Gulf's migrant labor "
               "system. Trained as a nurse before turning to journalism.",
               "rose"),
    PersonSpec("jonah-whitfield", "Jonah Whitfield", "staff",
               "Video producer. Shoots, edits and occasionally narrates our reports and the Class "
               "Notes series, mostly with a camera that fits in a coat pocket.",
               "green", "@jonah@video.social.example"),
    PersonSpec("lucia-ferreyra", "Lucía Ferreyra", "guest",
               "Housing organizer in Buenos Aires and member of a tenants' union. Writes for us on "
               "housing movements in Latin America and Southern Europe.",
               "coral"),
    PersonSpec("kwame-boateng", "Kwame Boateng", "guest",
               "Labor economist who works with unions on bargaining research. Contributes analysis "
               "of wages, ownership and supply chains.",
               "green"),
    PersonSpec("rosa-lindqvist", "Rosa Lindqvist", "staff",
               "Culture editor. Writes about film, fiction and music, and believes every strike "
               "deserves a soundtrack.",
               "rose", "@rosa@social.example"),
    PersonSpec("anselm-kerr", "Anselm Kerr", "historical",
               "Anselm Kerr (1871–1934) was a typesetter, union organizer and pamphleteer whose "
               "writings on the working day circulated in several languages before the First "
               "World War. An invented figure for this demo outlet.",
               "slate"),
)


@dataclass(frozen=True)
class IllustrationSpec:
    key: str
    word: str
    palette: str
    style: str
    title: str


# About twenty lead images, reused across articles: rendition generation is the slow part.
ILLUSTRATIONS: tuple[IllustrationSpec, ...] = (
    IllustrationSpec("strike", "STRIKE", "red", "bands", "Strike poster"),
    IllustrationSpec("union", "UNION", "ochre", "blocks", "Union poster"),
    IllustrationSpec("care", "CARE", "rose", "sun", "Care workers poster"),
    IllustrationSpec("heat", "HEAT", "violet", "halftone", "Heat poster"),
    IllustrationSpec("steel", "STEEL", "slate", "blocks", "Steel poster"),
    IllustrationSpec("docks", "DOCKS", "coral", "waves", "Docks poster"),
    IllustrationSpec("owners", "WHO OWNS?", "green", "halftone", "Ownership poster"),
    IllustrationSpec("schools", "SCHOOLS", "teal", "bands", "Schools poster"),
    IllustrationSpec("rent", "RENT", "violet", "sun", "Rent poster"),
    IllustrationSpec("borders", "BORDERS", "slate", "waves", "Borders poster"),
    IllustrationSpec("peace", "PEACE", "ochre", "sun", "Peace poster"),
    IllustrationSpec("rails", "RAILS", "teal", "blocks", "Rails poster"),
    IllustrationSpec("archive", "ARCHIVE", "ochre", "halftone", "Archive poster"),
    IllustrationSpec("debate", "DEBATE", "red", "blocks", "Debate poster"),
    IllustrationSpec("climate", "CLIMATE", "green", "sun", "Climate poster"),
    IllustrationSpec("cinema", "CINEMA", "rose", "bands", "Cinema poster"),
    IllustrationSpec("bread", "BREAD", "coral", "halftone", "Bread poster"),
    IllustrationSpec("march", "MARCH", "red", "waves", "March poster"),
    IllustrationSpec("voices", "VOICES", "teal", "halftone", "Voices poster"),
    IllustrationSpec("print", "PRINT", "violet", "bands", "Print poster"),
    IllustrationSpec("notes", "CLASS NOTES", "slate", "sun", "Class Notes series poster"),
)
