"""The Spanish edition: ten articles translated from English, plus prose pools.

Keys match `articles.ARTICLES`; each translation is created with Wagtail's
`copy_for_translation`, so it shares its English original's translation key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TranslationSpec:
    title: str
    dek: str
    lede: str
    caption: str
    dateline: str = ""
    paragraphs: tuple[str, ...] = ()


def _qa(question: str, answer: str, who: str) -> tuple[str, str]:
    return (f"<p><b>The Red Ledger:</b> {question}</p>", f"<p><b>{who}:</b> {answer}</p>")


TRANSLATIONS: dict[str, TranslationSpec] = {
    "norvale-walkout": TranslationSpec(
        "Los trabajadores de los almacenes de Norvale paralizan tres centros por el salario",
        "La huelga, la primera en la historia de la empresa, llega tras once meses de "
        "negociaciones bloqueadas y un verano de golpes de calor en el turno de noche.",
        "A las seis de la mañana los muelles de carga de los tres centros de Norvale Logistics "
        "estaban en silencio. Los piquetes llevaban en las puertas desde medianoche, con termos, "
        "pancartas escritas a mano y un turno de guardias organizado en el comedor la semana "
        "anterior.",
        "El cartel de nuestro estudio para la huelga de Norvale, ya pegado en las puertas.",
        dateline="Róterdam",
    ),
    "nurses-extend-strike": TranslationSpec(
        "Las enfermeras prorrogan la huelga ante la negativa a fijar ratios de pacientes",
        "El 87 por ciento de la afiliación de Brightwater Health votó a favor de mantener los "
        "paros el mes que viene.",
        "Las enfermeras de los cinco hospitales de Brightwater Health seguirán en huelga al menos "
        "cuatro semanas más. El punto de desacuerdo no es el salario, sino los números: cuántos "
        "pacientes puede atender una enfermera con seguridad.",
        "Cuidados, en rojo y rosa: nuestra ilustración para el conflicto de Brightwater.",
        dateline="Glasgow",
    ),
    "teachers-coordinate": TranslationSpec(
        "Docentes de tres regiones coordinan huelgas por la ratio de alumnos por aula",
        "Los sindicatos locales acuerdan por primera vez en una década un calendario común de "
        "movilizaciones, con las asociaciones de familias en los piquetes.",
        "Por primera vez en diez años, los sindicatos docentes de tres regiones irán a la huelga "
        "los mismos días. El calendario, acordado el sábado, empieza con un paro de un día y "
        "culmina con tres jornadas antes del final del trimestre.",
        "Escuelas: una ilustración para nuestra cobertura del conflicto docente.",
        dateline="Madrid",
    ),
    "kharkiv-rail-interview": TranslationSpec(
        "«Nuestro local sindical se convirtió en refugio»: un ferroviario de Járkov habla de la guerra",
        "Un capataz de mantenimiento de vías cuenta cómo reparan las líneas bajo el fuego y cómo "
        "su sindicato se enfrenta a una ley laboral que debilita los convenios.",
        "",
        "Vías: nuestra ilustración para la entrevista.",
        dateline="Járkov",
        paragraphs=(
            "<p>Vasyl Marchenko lleva veintidós años manteniendo las vías en torno a Járkov. "
            "Desde la invasión a gran escala, su cuadrilla repara las líneas horas después de "
            "cada ataque, a menudo de noche. Es además miembro del comité sindical local. La "
            "entrevista se realizó en ucraniano y ha sido traducida y editada.</p>",
            *_qa("¿Cómo es ahora un turno normal?",
                 "No hay nada normal. Nos llaman, vamos, vemos los daños y arreglamos lo que "
                 "podemos. A veces volvemos al día siguiente y lo han vuelto a alcanzar. Los "
                 "trenes tienen que circular.",
                 "Vasyl Marchenko"),
            *_qa("¿Y la nueva ley laboral?",
                 "Dicen que es por la guerra. Pero permite al empresario saltarse el convenio, y "
                 "nadie nos dice cuándo terminará. Defendemos el país; no deberíamos tener que "
                 "defender a la vez nuestros derechos frente a nuestro propio gobierno.",
                 "Vasyl Marchenko"),
        ),
    ),
    "just-peace-statement": TranslationSpec(
        "Declaración: por una paz justa en Ucrania, construida desde abajo",
        "El colectivo editorial sobre la guerra, las negociaciones y lo que significa la "
        "solidaridad con los trabajadores ucranianos.",
        "",
        "Paz: el cartel que acompaña nuestras declaraciones sobre la guerra.",
        paragraphs=(
            "<p>Queremos que esta guerra termine. Queremos que termine sin premiar la invasión, "
            "sin entregar a millones de personas a una ocupación que han resistido y sin dejar "
            "la reconstrucción de Ucrania en manos de acreedores y contratistas. Eso es lo que "
            "significa una paz justa.</p>",
            "<p>El pueblo de Ucrania tiene derecho a defenderse, y sus trabajadores tienen "
            "derecho a defender sus sindicatos, sus salarios y su código laboral mientras lo "
            "hacen. Una paz negociada por encima de sus cabezas no durará.</p>",
        ),
    ),
    "tenant-unions-compare": TranslationSpec(
        "Sindicatos de inquilinas de cinco ciudades comparan experiencias de huelga de alquileres",
        "En una asamblea de fin de semana, las organizadoras compartieron qué funcionó y qué no "
        "cuando edificios enteros dejaron de pagar el alquiler.",
        "Sesenta organizadoras de sindicatos de inquilinas de cinco ciudades pasaron un fin de "
        "semana en el gimnasio de una escuela comparando experiencias. La pregunta del orden del "
        "día era la más difícil: ¿cuándo vale la pena el riesgo de una huelga de alquileres?",
        "Alquiler: nuestra ilustración para la asamblea de inquilinas.",
        dateline="Barcelona",
    ),
    "deportation-flights-statement": TranslationSpec(
        "Declaración: no a los vuelos de deportación",
        "El colectivo editorial sobre el plan del gobierno de fletar vuelos para expulsiones "
        "masivas, y sobre el personal de aeropuerto que se niega a participar.",
        "",
        "Fronteras: nuestra ilustración para la cobertura de los vuelos de deportación.",
        paragraphs=(
            "<p>El gobierno ha anunciado que fletará vuelos cada semana para expulsar a personas "
            "cuya solicitud de asilo ha sido rechazada, muchas de las cuales llevan años viviendo, "
            "trabajando y pagando impuestos aquí. Nos oponemos a estos vuelos sin reservas.</p>",
            "<p>Parte del personal de tierra y de cabina ha dicho que no participará. Sus "
            "sindicatos deben defenderlos, y también todas las personas que creen que los "
            "trabajadores tienen derecho a negarse a participar en la crueldad.</p>",
        ),
    ),
    "stalinism-and-socialism": TranslationSpec(
        "Lo que el estalinismo le hizo a la palabra «socialismo»",
        "Los crímenes cometidos en nombre del socialismo no son una nota a pie de página de "
        "nuestra tradición. Asumirlos es la condición para que se nos crea.",
        "Pregunte a alguien en el autobús qué significa socialismo y es probable que la "
        "respuesta incluya colas, policía secreta y una estatua. Podemos quejarnos de que es "
        "injusto. O podemos preguntarnos por qué la palabra llegó a significar eso, y qué haría "
        "falta para recuperarla.",
        "Archivo: nuestra ilustración para los ensayos sobre la historia de la izquierda.",
    ),
    "norvale-picket-video": TranslationSpec(
        "Vídeo: la primera noche en el piquete de Norvale",
        "Imágenes de la primera noche de la huelga: las puertas, los bidones con fuego y los "
        "trabajadores explicando por qué pararon.",
        "Pasamos la primera noche de la huelga de Norvale en las puertas del centro más grande. "
        "Esta película, grabada entre la medianoche y el amanecer, deja que los piquetes "
        "expliquen con sus propias palabras por qué decidieron parar.",
        "Huelga: nuestro cartel para el conflicto de Norvale.",
        dateline="Róterdam",
    ),
    "bakery-strike-film": TranslationSpec(
        "Una película sobre la huelga de una panadería que se niega a ser una fábula",
        "El nuevo drama sigue un paro de una semana en una panadería familiar y confía en que el "
        "público aguante las discusiones.",
        "En la panadería no hay villanos, y eso es lo que hace la película tan inquietante. La "
        "dueña es amable, los trabajadores son leales, y al tercer día de huelga nada de eso "
        "importa tanto como quién decide cuándo se encienden los hornos.",
        "Pan: nuestra ilustración para la crítica.",
    ),
}

PARAGRAPHS_ES: dict[str, tuple[str, ...]] = {
    "labor": (
        "La oferta de la empresa, presentada como definitiva, habría subido el salario base menos "
        "de lo que subieron los alquileres en el mismo periodo. Los negociadores sindicales "
        "recuerdan que las propias cuentas de la compañía cuentan otra historia: el dividendo "
        "pagado a los accionistas habría bastado para cubrir la diferencia de toda la plantilla.",
        "Lo que cambió esta vez, dicen las organizadoras, fue el trabajo hecho mucho antes de "
        "cualquier votación. Los delegados recorrieron cada turno y cada equipo, identificaron a "
        "las personas respetadas en cada uno y pasaron meses en conversaciones cara a cara.",
        "La solidaridad ha llegado desde lugares inesperados. Trabajadores de un centro vecino se "
        "negaron a cubrir los turnos en huelga, una panadería del barrio manda pan cada mañana y "
        "la caja de resistencia recaudó en una semana más que en los dos años anteriores.",
        "Sea cual sea el resultado, el conflicto ya ha cambiado el lugar de trabajo. La "
        "afiliación se ha duplicado desde la primavera y personas que nunca habían ido a una "
        "asamblea organizan ahora los turnos del comité de huelga.",
    ),
    "international": (
        "Para las personas con las que hablamos, la solidaridad es una cuestión práctica. Piden "
        "ayuda con los gastos legales, material médico y contactos en sindicatos de otros países "
        "que puedan presionar a las multinacionales para las que trabajan.",
        "Los gobiernos han aprovechado la crisis para imponer medidas que querían desde hace "
        "años: jornadas más largas, menos protección frente al despido y nuevos límites al "
        "derecho de reunión. Todas se presentaron como temporales. Pocas se han derogado.",
        "Nada de esto lo resolverán solo los diplomáticos. Quienes reconstruirán los "
        "ferrocarriles, los hospitales y las escuelas son los trabajadores cuya voz está casi "
        "ausente de las negociaciones.",
    ),
    "ideas": (
        "La historia del movimiento obrero sugiere una pregunta más útil que la de pureza o "
        "compromiso: ¿qué decisiones dejan a la gente trabajadora mejor organizada, con más "
        "confianza y más capaz de actuar por sí misma la próxima vez?",
        "Nuestra tradición nunca ha sido una sola. Contiene demócratas y burócratas, "
        "internacionalistas y nacionalistas, gente que murió resistiendo dictaduras y gente que "
        "las construyó. Reconocerlo no es una concesión al adversario; es el punto de partida.",
        "El debate no es solo táctico. Debajo hay un desacuerdo sobre para qué sirve el "
        "socialismo: una mejor administración de la sociedad por expertos de nuestro lado, o el "
        "autogobierno de quienes hacen el trabajo de la sociedad.",
    ),
    "video": (
        "Este vídeo forma parte de nuestro esfuerzo por poner a la gente trabajadora delante de "
        "la cámara. Lo grabó un equipo de dos personas, y quienes aparecen en él vieron un primer "
        "montaje antes de su publicación.",
        "Nuestro trabajo en vídeo lo pagan los lectores, no los anunciantes. Por eso podemos "
        "pasar una semana en un piquete para una pieza de doce minutos.",
    ),
    "movements": (
        "La campaña empezó, como tantas otras, con un puñado de personas alrededor de una mesa "
        "de cocina. En un año tenía un listado de afiliadas, un fondo legal y una cadena "
        "telefónica que llegaba a cientos de hogares.",
        "Las organizadoras insisten en que nada de esto fue espontáneo. Hicieron falta meses de "
        "puerta a puerta, octavillas traducidas, cuidado de niños en cada reunión y un esfuerzo "
        "deliberado para que hablaran y decidieran las personas más afectadas.",
        "Lo nuevo es el vínculo con los sindicatos. Varias secciones han aprobado mociones de "
        "apoyo, han prestado sus locales y han empezado a tratar los problemas de vivienda y "
        "papeles de su afiliación como asuntos sindicales.",
    ),
    "culture": (
        "Sería fácil elogiar una obra así solo por su política. Merece más: es divertida, "
        "formalmente audaz e incómoda en los lugares adecuados, y confía en que el público haga "
        "parte del trabajo.",
        "El placer está en los detalles. Cualquiera que haya trabajado a turnos reconocerá los "
        "pequeños rituales, los chistes repetidos hasta volverse contraseñas y la forma en que el "
        "tiempo se estira a las cuatro de la madrugada.",
        "Vayan a verla, y luego discútanla con alguien. Para eso se hizo, y para eso ha servido "
        "siempre la cultura hecha desde abajo.",
    ),
}

HEADINGS_ES: dict[str, str] = {
    "labor": "Cómo se ganó la votación",
    "international": "Lo que significa la solidaridad aquí",
    "ideas": "Lo que está en juego",
    "video": "Sobre esta pieza",
    "movements": "Quién decide",
    "culture": "En los detalles",
}

PULL_QUOTES_ES: tuple[str, ...] = (
    "No pedimos un favor. Pedimos nuestra parte de lo que hemos producido.",
    "La solidaridad no es un sentimiento. Es una decisión que se toma cada mañana en la puerta.",
    "Un sindicato es solo gente que ha dejado de tenerse miedo.",
    "El alquiler sube cada año. Los salarios suben cuando los hacemos subir.",
    "Socialismo sin democracia no es socialismo. Es otro patrón con bandera.",
)

# Spanish front page: article keys (of translated articles) and section keys.
HOME_LEAD_ES = "norvale-walkout"
HOME_FEATURED_ES = ("kharkiv-rail-interview", "tenant-unions-compare", "stalinism-and-socialism")
HOME_SECTION_BLOCKS_ES = (("labor", 3), ("international", 3), ("movements", 3))
