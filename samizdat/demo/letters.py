"""Demo content for open letters: the index in both languages, one letter and its signatories."""

from __future__ import annotations

from datetime import timedelta

from samizdat.letters.models import LetterIndexPage, LetterPage, Signature
from samizdat.letters.services import recount

INTRO_EN = ("Letters our readers, unions and neighbourhood groups put their names to. Sign one, then pass "
            "it on to the people you work with.")
INTRO_ES = ("Cartas que firman nuestras lectoras y lectores, sindicatos y asociaciones de barrio. Firma una "
            "y pásala a la gente con la que trabajas.")

BODY_EN = """<p>Dear Minister,</p>
<p>For nineteen days the cleaners of our regional hospitals have been on strike. They keep wards, operating
theatres and emergency rooms safe for patients, yet most of them are employed by subcontractors on
six-month contracts, paid less than the staff they work beside, and told every spring that their
contract may not be renewed.</p>
<p>Their demands are modest: to be employed directly by the health service, to be paid on the same scale
as other hospital staff, and an end to split shifts that keep them away from home from dawn until night
for six paid hours.</p>
<p>We, the undersigned — health workers, patients, neighbours and organizations — ask you to meet the
strike committee this week, to withdraw the threat of replacing strikers with agency staff, and to
commit to bringing hospital cleaning back in-house when the current contracts end.</p>
<p>A hospital is only as clean as the respect shown to the people who clean it.</p>"""

BODY_ES = """<p>Señor consejero:</p>
<p>Hace diecinueve días que las limpiadoras de los hospitales de la región están en huelga. Mantienen
seguras para los pacientes las plantas, los quirófanos y las urgencias, pero la mayoría trabaja para
subcontratas con contratos de seis meses, cobra menos que el personal con el que comparte turno y cada
primavera oye que quizá no le renueven.</p>
<p>Lo que piden es razonable: que las contrate directamente el servicio de salud, cobrar según la misma
tabla que el resto del personal del hospital y acabar con los turnos partidos que las tienen fuera de
casa de madrugada a noche por seis horas pagadas.</p>
<p>Quienes firmamos —trabajadoras y trabajadores de la sanidad, pacientes, vecinas, vecinos y
organizaciones— le pedimos que se reúna esta semana con el comité de huelga, que retire la amenaza de
sustituir a las huelguistas con personal de agencia y que se comprometa a que la limpieza vuelva a ser
pública cuando venzan los contratos actuales.</p>
<p>Un hospital está tan limpio como respetada está la gente que lo limpia.</p>"""

# name, organization, role, city, public
SIGNATORIES_EN = [
    ("Nerea Alonso", "Hospital Cleaners' Assembly", "Spokesperson", "Bilbao", True),
    ("Ibai Arregi", "Nurses' Union, General Hospital branch", "Branch secretary", "Bilbao", True),
    ("Carmen Vidal", "San Ignacio Neighbourhood Association", "President", "Bilbao", True),
    ("Tomasz Nowak", "", "Porter", "Barakaldo", True),
    ("Aisha Rahman", "", "Junior doctor", "Getxo", True),
    ("Kwame Mensah", "", "Paramedic", "Bilbao", True),
    ("Lena Vogel", "", "Physiotherapist", "Donostia", True),
    ("Pedro Salgado", "Transport Workers' Federation", "Regional organizer", "Vitoria-Gasteiz", True),
    ("Inés Ortega", "", "Patient", "Bilbao", True),
    ("Yusuf Demir", "", "Kitchen worker", "Basauri", False),
    ("陈伟", "", "Lab technician", "Bilbao", True),
    ("فاطمة الزهراء بن علي", "", "Nursing assistant", "Sestao", True),
    ("Olga Ivanova", "", "Radiographer", "Leioa", True),
    ("Diego Cárdenas", "Patients for Public Health", "Coordinator", "Bilbao", True),
    ("Hannah Schmidt", "", "Midwife", "Durango", True),
    ("Ngozi Eze", "", "Cleaner", "Bilbao", False),
    ("Jordi Puig", "", "Teacher", "Barcelona", True),
    ("Mei Lin", "", "Pharmacist", "Bilbao", True),
    ("Samir Haddad", "", "Ambulance driver", "Portugalete", True),
    ("Rosa Blanco", "Retired Workers' Circle", "Secretary", "Santurtzi", True),
    ("Ahmed El Amrani", "", "Security guard", "Bilbao", False),
    ("Julia Santos", "", "Student nurse", "Leioa", True),
    ("Kenji Watanabe", "", "Researcher", "Donostia", True),
    ("Maria Kowalska", "", "Care worker", "Bilbao", True),
    ("Lucas Moreau", "", "Journalist", "Baiona", True),
    ("Amaia Goikoetxea", "", "Town councillor", "Ermua", True),
    ("Zoë Ñandú", "", "Translator", "Bilbao", True),
    ("Tariq Aziz Khan", "", "Taxi driver", "Bilbao", False),
    ("Elena Rossi", "", "Occupational therapist", "Vitoria-Gasteiz", True),
    ("Bilbao Tenants' Union", "Bilbao Tenants' Union", "", "Bilbao", True),
]
SIGNATORIES_ES = [
    ("Miren Zubiaurre", "Asamblea de Limpiadoras", "Portavoz", "Bilbao", True),
    ("Javier Morales", "", "Celador", "Barakaldo", True),
    ("Lucía Fernández", "", "Enfermera", "Bilbao", True),
    ("Andrés Gil", "Plataforma por la Sanidad Pública", "Coordinador", "Getxo", True),
    ("Raquel Ibáñez", "", "Paciente", "Bilbao", False),
    ("Íñigo Larrea", "", "Profesor", "Durango", True),
]
PENDING_EN = [("Marta Ruiz", "Bilbao"), ("Sven Larsen", "Getxo")]


def _sign(letter: LetterPage, rows: list[tuple], language: str, now, prefix: str) -> None:
    Signature.objects.bulk_create(
        Signature(letter=letter, name=name, email=f"{prefix}{number}@example.org", organization=organization,
                  role=role, city=city, country="Spain", is_public=public, newsletter_opt_in=number % 3 == 0,
                  language=language, status=Signature.Status.CONFIRMED,
                  confirmed_at=now - timedelta(days=6, hours=-number * 4))
        for number, (name, organization, role, city, public) in enumerate(rows)
    )


def load(loader) -> None:
    """The index under both homes, one letter in English and Spanish, confirmed and pending signatures."""
    index = LetterIndexPage(title="Open letters", slug="letters", intro=INTRO_EN, locale=loader.en,
                            live=False, show_in_menus=True)
    loader.home_en.add_child(instance=index)
    index = loader._publish(index, loader.now - timedelta(days=8))
    index_es = index.copy_for_translation(loader.es)
    index_es.title, index_es.slug, index_es.intro = "Cartas abiertas", "cartas", INTRO_ES
    loader._publish(index_es, loader.now - timedelta(days=8))

    letter = LetterPage(
        title="Stand with the hospital cleaners", slug="stand-with-the-hospital-cleaners",
        addressee="To the Regional Minister of Health", body=BODY_EN, call_to_action="Add your name",
        goal=500, thanks="Thank you. Now share the letter with your workmates: every name strengthens "
                         "the strike committee at the table.",
        locale=loader.en, live=False,
    )
    index.add_child(instance=letter)
    letter = loader._publish(letter, loader.now - timedelta(days=7))
    letter_es = letter.copy_for_translation(loader.es)
    letter_es.title, letter_es.slug = "Con las limpiadoras de los hospitales", "con-las-limpiadoras"
    letter_es.addressee, letter_es.body = "Al consejero regional de Sanidad", BODY_ES
    letter_es.call_to_action = "Añade tu nombre"
    letter_es.thanks = ("Gracias. Ahora comparte la carta con tus compañeras y compañeros: cada firma da "
                        "más fuerza al comité de huelga en la mesa.")
    letter_es = loader._publish(letter_es, loader.now - timedelta(days=7))

    _sign(letter, SIGNATORIES_EN, "en", loader.now, "en-signer-")
    _sign(letter, SIGNATORIES_ES, "es", loader.now, "es-signer-")  # signed on the Spanish page
    Signature.objects.bulk_create(
        Signature(letter=letter, name=name, email=f"pending-{number}@example.org", city=city, language="en")
        for number, (name, city) in enumerate(PENDING_EN)
    )
    recount(letter)
