"""The demo outlet's English articles: sixty pieces over the last eighteen months.

Bodies are assembled in `loader.py`: each article's own lede (or, for interviews and
statements, its own paragraphs) followed by prose from the section pools in `prose.py`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Partner:
    relation: str
    name: str
    original_url: str = ""


@dataclass(frozen=True)
class ArticleSpec:
    key: str
    section: str
    kind: str
    days_ago: int
    title: str
    dek: str
    lede: str
    authors: tuple[str, ...]
    topics: tuple[str, ...]
    image: str
    caption: str
    dateline: str = ""
    video_url: str = ""
    paragraphs: tuple[str, ...] = ()
    partner: Partner | None = None


def _yt(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def _qa(question: str, answer: str, who: str) -> tuple[str, str]:
    return (f"<p><b>The Red Ledger:</b> {question}</p>", f"<p><b>{who}:</b> {answer}</p>")


ARTICLES: tuple[ArticleSpec, ...] = (
    # ---------------------------------------------------------------- Labor
    ArticleSpec(
        "norvale-walkout", "labor", "article", 2,
        "Warehouse workers at Norvale shut down three depots in pay dispute",
        "The walkout, the first in the company's history, follows eleven months of stalled talks "
        "and a summer of heat-related injuries on the night shift.",
        "By six in the morning the loading bays at Norvale Logistics' three depots outside the "
        "city were silent. Pickets had been at the gates since midnight, with flasks, handwritten "
        "placards and a rota drawn up in a canteen the week before.",
        ("marta-quiroga",), ("strikes", "logistics", "trade-unions"), "strike",
        "Our studio's poster for the Norvale strike, now taped to the depot gates.",
        dateline="Rotterdam",
    ),
    ArticleSpec(
        "nurses-extend-strike", "labor", "article", 9,
        "Nurses vote to extend strike as hospital group refuses staffing ratios",
        "A ballot of members at Brightwater Health returned an 87 percent majority for continuing "
        "action into next month.",
        "Nurses at the five hospitals run by Brightwater Health will stay out for at least another "
        "four weeks, after a ballot in which nearly nine in ten members voted to continue. The "
        "sticking point is not pay but numbers: how many patients one nurse can safely care for.",
        ("marta-quiroga",), ("strikes", "health-care", "trade-unions"), "care",
        "Care, in red and pink: our illustration for the Brightwater dispute.",
        dateline="Glasgow",
    ),
    ArticleSpec(
        "heat-survey", "labor", "report", 20,
        "Heat on the shop floor: a survey of 1,200 warehouse workers",
        "Two in three warehouse workers who answered our survey felt unwell from heat at work in "
        "the past year. Fewer than one in five were offered an extra break.",
        "Over six weeks this summer, The Red Ledger and a network of union reps asked warehouse "
        "workers in four countries a simple question: what happens at your workplace when it gets "
        "too hot? Twelve hundred people answered. This report sets out what they told us.",
        ("kwame-boateng", "marta-quiroga"), ("logistics", "climate", "trade-unions"), "heat",
        "Heat, rendered in violet and orange halftone by our studio.",
    ),
    ArticleSpec(
        "meridian-weekend", "labor", "article", 33,
        "Rail signal workers win back the weekend after four-month dispute",
        "Meridian Rail has withdrawn plans for rolling seven-day rosters. Union reps say the "
        "decisive factor was drivers refusing to cover.",
        "Signal workers at Meridian Rail will keep their weekends. The company confirmed on "
        "Thursday that it had dropped its plan to move all signalling staff onto rolling "
        "seven-day rosters, four months after the dispute began.",
        ("marta-quiroga",), ("strikes", "trade-unions"), "rails",
        "Rails: one of the posters signal workers carried on the final day of action.",
        dateline="Lyon",
    ),
    ArticleSpec(
        "castellan-night-shift", "labor", "interview", 47,
        "'We organized the night shift first': a food-processing steward on building a union",
        "A shop steward at Castellan Foods explains how a drive that began with twelve people on "
        "nights reached a majority in under a year.",
        "",
        ("marta-quiroga",), ("trade-unions", "strikes"), "voices",
        "Voices: our series of interviews with workplace organizers.",
        dateline="Leicester",
        paragraphs=(
            "<p>Halima Osei has worked on the packing line at Castellan Foods for nine years. "
            "Last year she and eleven colleagues on the night shift started a union drive that "
            "reached a majority of the plant's 600 workers in ten months. We spoke to her during "
            "a break between shifts. The interview has been edited for length.</p>",
            *_qa("Why start with nights?",
                 "Because nights were where the anger was. Fewer managers, more agency staff, "
                 "the worst machines. People on nights had nothing to lose and a lot of time to "
                 "talk. If we had started on days, we would have been spotted in a week.",
                 "Halima Osei"),
            *_qa("How did you keep it quiet for so long?",
                 "We didn't use the company's group chats, we didn't put anything on noticeboards, "
                 "and we only ever asked someone to join after a real conversation. Not a leaflet. "
                 "A conversation about what was wrong for them, specifically.",
                 "Halima Osei"),
            *_qa("What would you tell someone starting out?",
                 "Find the people others listen to. They are almost never the loudest ones. And "
                 "don't promise anything you can't win. People have been lied to enough.",
                 "Halima Osei"),
        ),
    ),
    ArticleSpec(
        "teachers-coordinate", "labor", "article", 61,
        "Teachers in three regions coordinate walkouts over class sizes",
        "Local unions have agreed a common calendar of action for the first time in a decade, "
        "with parents' committees joining the pickets.",
        "For the first time in ten years, teachers' unions in three regions will strike on the "
        "same days. The joint calendar, agreed at a meeting of local executives on Saturday, "
        "begins with a one-day stoppage and escalates to three days before the end of term.",
        ("tomas-vidal",), ("education", "strikes", "trade-unions"), "schools",
        "Schools: an illustration for our coverage of the class-size dispute.",
        dateline="Madrid",
    ),
    ArticleSpec(
        "right-to-strike-statement", "labor", "statement", 78,
        "Statement: the right to strike is not negotiable",
        "The editorial collective on the proposed law imposing minimum service levels during "
        "strikes.",
        "",
        ("marta-quiroga", "priya-natarajan"), ("trade-unions", "strikes"), "union",
        "Union: our studio's poster in support of the campaign against the strike law.",
        paragraphs=(
            "<p>The government's bill would allow employers in a long list of sectors to name the "
            "workers who must keep working during a strike, and to dismiss those who refuse. Its "
            "supporters call this a guarantee of minimum service. We call it what it is: a law "
            "that lets the employer decide whether a strike may take place at all.</p>",
            "<p>Every right working people enjoy today was won by the collective withdrawal of "
            "labor, often when it was illegal. A right to strike that can be cancelled by the "
            "employer is not a right. It is a permission, and permissions can be withdrawn.</p>",
            "<p>We support the unions' call for a national day of action and will cover it in "
            "full. We also commit to something simpler: we will publish the names of the "
            "companies that use this law against their workers, every time, for as long as it "
            "stands.</p>",
        ),
    ),
    ArticleSpec(
        "couriers-branch", "labor", "article", 95,
        "Gig couriers form a single union branch across four delivery apps",
        "Riders working for four competing platforms have founded one branch, arguing that the "
        "apps compete but the streets are shared.",
        "The apps compete; the riders do not. That was the message at the founding meeting of a "
        "new union branch that brings together couriers from four delivery platforms, held in a "
        "community center where many of them wait between orders.",
        ("tomas-vidal",), ("trade-unions", "logistics", "migration"), "march",
        "March: the poster made for the riders' founding rally.",
        dateline="Barcelona",
    ),
    ArticleSpec(
        "who-owns-warehouses", "labor", "report", 130,
        "Who owns the warehouses? Mapping the landlords of the logistics boom",
        "Behind the brands on the trucks stand a handful of investment funds that own the sheds, "
        "and set the rents that squeeze wages.",
        "The names on the trucks are familiar. The names on the deeds are not. Using land "
        "registry data and company filings, we traced the ownership of 340 large warehouses and "
        "found that fewer than a dozen investment funds own more than half of them.",
        ("kwame-boateng",), ("logistics", "trade-unions", "housing"), "owners",
        "Who owns? Our illustration for the warehouse ownership report.",
        dateline="London",
    ),
    ArticleSpec(
        "halden-occupation", "labor", "article", 165,
        "Steelworkers at Halden occupy plant slated for closure",
        "Workers have kept the furnaces warm for nine days, demanding the plant be taken into "
        "public ownership rather than sold for scrap.",
        "The furnaces at the Halden steelworks are still warm. Nine days after the owners "
        "announced the plant's closure, around two hundred workers are occupying the site in "
        "shifts, keeping the equipment in working order and the gates closed to the buyers.",
        ("ilse-brandt",), ("strikes", "trade-unions", "climate"), "steel",
        "Steel: an illustration for our coverage of the Halden occupation.",
        dateline="Duisburg",
    ),
    ArticleSpec(
        "garment-wage-floor", "labor", "article", 210,
        "Garment workers' strike wins the sector's first wage floor",
        "After a two-week stoppage across forty factories, employers' associations signed a "
        "minimum wage agreement covering the entire export sector.",
        "Two weeks after the first factory stopped, the employers signed. The agreement sets a "
        "minimum monthly wage for every worker in the export garment sector, a first, and "
        "commits both sides to review it every year.",
        ("daniel-okafor",), ("strikes", "trade-unions", "feminism"), "strike",
        "Strike: the poster also used for our coverage of the garment sector.",
        dateline="Dhaka",
    ),
    ArticleSpec(
        "carers-travel-time", "labor", "article", 270,
        "Home-care workers demand to be paid for the time between visits",
        "Care staff paid by the visit, not the hour, are organizing to be paid for travel time "
        "between clients.",
        "On paper, Joanne works a 40-hour week. In practice she is out of the house for nearly "
        "sixty, driving between the elderly clients she washes, feeds and medicates. The hours in "
        "the car are unpaid, and she and her colleagues have decided they will not stay that way.",
        ("marta-quiroga",), ("health-care", "feminism", "trade-unions"), "care",
        "Care: our illustration for the home-care campaign.",
        dateline="Leeds",
    ),
    ArticleSpec(
        "dockers-automation", "labor", "article", 360,
        "Dockers refuse overtime as automation plans are unveiled",
        "The port authority wants remote-controlled cranes by next year. The dockers want a say "
        "in how, and whether, it happens.",
        "The port authority calls it modernization. The dockers call it a plan written without "
        "them. Since the automation project was unveiled last month, the port's unions have "
        "refused all overtime, and ships are waiting longer at anchor.",
        ("tomas-vidal",), ("logistics", "trade-unions"), "docks",
        "Docks: the poster made for the port workers' assembly.",
        dateline="Valparaíso",
        partner=Partner("collaboration", "Puerto Abierto"),
    ),
    ArticleSpec(
        "lumen-one-year", "labor", "article", 480,
        "A year after the Lumen data-center strike, what has changed?",
        "Technicians who walked out over surveillance software look back on the dispute, and on "
        "the union they built.",
        "A year ago, sixty technicians at Lumen's data centers walked out over software that "
        "logged every keystroke and flagged anyone idle for more than four minutes. The software "
        "is gone. The union they built is still there.",
        ("marta-quiroga", "kwame-boateng"), ("trade-unions", "strikes"), "union",
        "Union: our studio's poster, reused for the anniversary of the Lumen strike.",
        dateline="Dublin",
    ),
    # ---------------------------------------------------------------- International
    ArticleSpec(
        "miners-wage-arrears", "international", "article", 4,
        "Miners near the front fight for three months of unpaid wages",
        "At a mine within range of the artillery, crews keep working underground while the "
        "company owes them a season's pay.",
        "The shift changes at the mine happen in the dark now, to avoid drawing fire. The men "
        "coming up are tired and angry: for three months the company has paid them only part of "
        "their wages, citing the war. Their union says the war is an excuse.",
        ("oleksa-hnatiuk",), ("war-in-ukraine", "trade-unions"), "peace",
        "Peace: the poster our studio made for our Ukraine coverage.",
        dateline="Dnipro",
    ),
    ArticleSpec(
        "port-unions-arms", "international", "article", 14,
        "Port unions weigh a coordinated refusal to handle arms shipments",
        "At a conference of dockworkers' unions, delegates from six countries debated whether "
        "refusing to load weapons bound for Gaza can become common policy.",
        "The resolution ran to a single page, but the debate over it lasted most of a day. "
        "Delegates from dockworkers' unions in six countries met to discuss whether individual "
        "refusals to handle arms shipments should become a coordinated policy.",
        ("daniel-okafor",), ("palestine", "trade-unions", "logistics"), "docks",
        "Docks: our illustration for the port unions' conference.",
        dateline="Genoa",
    ),
    ArticleSpec(
        "kharkiv-rail-interview", "international", "interview", 27,
        "'Our union hall became a shelter': a Kharkiv rail worker on the war",
        "A track maintenance foreman describes repairing lines under fire, and a union fighting "
        "a labor law that weakens collective agreements.",
        "",
        ("oleksa-hnatiuk",), ("war-in-ukraine", "trade-unions"), "rails",
        "Rails: our illustration for the interview.",
        dateline="Kharkiv",
        paragraphs=(
            "<p>Vasyl Marchenko has maintained track around Kharkiv for twenty-two years. Since "
            "the full-scale invasion, his crew has repaired lines within hours of them being hit, "
            "often at night. He is also a member of his local union committee. The interview was "
            "conducted in Ukrainian and has been translated and edited.</p>",
            *_qa("What does a normal shift look like now?",
                 "There is no normal. We get a call, we go, we look at the damage, we fix what we "
                 "can. Sometimes we come back the next day and it has been hit again. The trains "
                 "have to run. People need to leave, and supplies need to come in.",
                 "Vasyl Marchenko"),
            *_qa("Your union hall was used as a shelter. How did that happen?",
                 "It has a basement and a kitchen. In the first weeks, families from the "
                 "neighboring blocks came and nobody asked if they were members. We cooked for "
                 "forty people some nights. That is also what a union is.",
                 "Vasyl Marchenko"),
            *_qa("And the new labor law?",
                 "They say it is for the war. But it lets the employer ignore the collective "
                 "agreement, and nobody tells us when that will end. We are defending the country. "
                 "We should not have to defend our rights from our own government at the same "
                 "time.",
                 "Vasyl Marchenko"),
        ),
    ),
    ArticleSpec(
        "mining-belt-slate", "international", "article", 40,
        "In the mining belt, a left slate runs on water, not ideology",
        "Candidates drawn from union locals are contesting municipal seats on a platform of "
        "public water and local hiring.",
        "In towns where the copper mines use more water than the people who live beside them, "
        "a slate of union members is running for the municipal council with a short program: "
        "public control of water, local hiring, and an end to tax breaks for the mining firms.",
        ("tomas-vidal",), ("elections", "climate", "trade-unions"), "climate",
        "Climate: our illustration for the municipal elections in the mining belt.",
        dateline="Antofagasta",
    ),
    ArticleSpec(
        "just-peace-statement", "international", "statement", 58,
        "Statement: for a just peace in Ukraine, built from below",
        "The editorial collective on the war, the negotiations, and what solidarity with "
        "Ukrainian workers means.",
        "",
        ("daniel-okafor", "priya-natarajan"), ("war-in-ukraine", "trade-unions"), "peace",
        "Peace: the poster that accompanies our statements on the war.",
        paragraphs=(
            "<p>We want this war to end. We want it to end in a way that does not reward "
            "invasion, does not hand millions of people to an occupation they have resisted, and "
            "does not leave Ukraine's reconstruction to creditors and contractors. Those three "
            "conditions are not in tension. They are what a just peace means.</p>",
            "<p>The people of Ukraine have the right to defend themselves, and the workers among "
            "them have the right to defend their unions, their wages and their labor code while "
            "they do so. Solidarity with the first without the second is hollow; the second "
            "without the first is impossible.</p>",
            "<p>We will keep publishing the voices of Ukrainian trade unionists, feminists and "
            "socialists, including those who disagree with us. And we will keep saying that a "
            "peace negotiated over their heads, by governments that have never asked them, will "
            "not last.</p>",
        ),
    ),
    ArticleSpec(
        "labor-code-translation", "international", "translation", 75,
        "From a Ukrainian union bulletin: 'The labor code changes no one voted for'",
        "We translate an editorial from the bulletin of a regional union federation, on "
        "emergency labor rules that have outlasted their emergency.",
        "The following editorial appeared in the monthly bulletin of a regional federation of "
        "trade unions. It is translated with the federation's permission; the headings are ours. "
        "\"When the emergency rules were introduced, we were told they would last as long as the "
        "emergency. We are still waiting to be told when that is.\"",
        ("oleksa-hnatiuk",), ("war-in-ukraine", "trade-unions"), "archive",
        "Archive: the illustration we use for translated documents.",
        dateline="Kyiv",
    ),
    ArticleSpec(
        "fishers-trawlers", "international", "article", 100,
        "Fishers in the Gulf of Guinea take on the trawler fleets",
        "Small-scale fishers say industrial trawlers working illegally close to shore have halved "
        "their catch. Their cooperatives now patrol the water themselves.",
        "Before dawn, the canoes go out with nets and, increasingly, with phones. Members of a "
        "fishers' cooperative now photograph and log every industrial trawler they see inside "
        "the zone reserved for small boats, and send the evidence to anyone who will listen.",
        ("kwame-boateng",), ("climate", "trade-unions"), "climate",
        "Climate: our illustration for the fishers' story.",
        dateline="Accra",
        partner=Partner("republished", "Coastline Dispatch",
                        "https://coastline-dispatch.example/stories/fishers-take-on-trawlers"),
    ),
    ArticleSpec(
        "shipyard-subcontractors", "international", "article", 120,
        "Shipyard subcontractors demand to bargain with the company that sets their pay",
        "Welders and painters employed through layers of subcontractors say the only employer "
        "that matters is the shipyard itself.",
        "The welders on the hull of a tanker in the dry dock work for one of more than a hundred "
        "subcontractors, but every one of them knows who sets the price of their labor. Their "
        "union is now demanding to negotiate directly with the shipbuilder.",
        ("daniel-okafor",), ("trade-unions", "strikes"), "steel",
        "Steel: our illustration for the shipyard dispute.",
        dateline="Ulsan",
    ),
    ArticleSpec(
        "border-volunteers", "international", "article", 150,
        "On the border, volunteers document pushbacks the authorities deny",
        "A network of medics and lawyers has recorded hundreds of cases of people forced back "
        "across the border, many of them injured.",
        "The medics keep a spreadsheet, and the lawyers keep copies of the spreadsheet in three "
        "countries. Each row is a person who says they were caught after crossing, beaten or "
        "robbed, and pushed back without being allowed to claim asylum.",
        ("daniel-okafor",), ("migration", "far-right"), "borders",
        "Borders: our illustration for the volunteers' story.",
        dateline="Thessaloniki",
    ),
    ArticleSpec(
        "reconstruction-money", "international", "report", 200,
        "Where the reconstruction money goes: an analysis of published contracts",
        "Most of the published reconstruction spending we examined flows to a small group of "
        "construction and consulting firms. Workers' organizations have little say in it.",
        "Reconstruction is already a business. We examined more than 900 published contracts "
        "for repair and rebuilding work and found that a small number of large firms, many of "
        "them foreign, accounted for most of the money, while local unions were consulted on "
        "almost none of it.",
        ("oleksa-hnatiuk", "kwame-boateng"), ("war-in-ukraine", "trade-unions"), "owners",
        "Who owns? Our illustration for the reconstruction report.",
        dateline="Kyiv",
    ),
    ArticleSpec(
        "medical-convoys", "international", "article", 250,
        "Health workers' unions pool funds for medical aid to Gaza",
        "Unions in five countries have bought medical supplies together, and are pressing their "
        "governments to open the crossings to aid.",
        "The supplies sit in a warehouse: surgical kits, antibiotics, dialysis consumables, paid "
        "for by the subscriptions of nurses and paramedics in five countries. What they need now, "
        "the unions say, is for the crossings to open.",
        ("samira-haddad",), ("palestine", "health-care", "trade-unions"), "care",
        "Care: our illustration for the health workers' aid campaign.",
        dateline="Amman",
    ),
    ArticleSpec(
        "community-kitchens", "international", "article", 330,
        "As subsidies are cut, community kitchens feed more people with less",
        "Kitchens run by neighborhood organizations, mostly by women, have become the front line "
        "of austerity.",
        "The queue starts forming at eleven. By noon, the kitchen in the parish hall will have "
        "served two hundred plates of stew, twice as many as a year ago, with a budget that has "
        "been cut by a third.",
        ("lucia-ferreyra",), ("feminism", "housing"), "bread",
        "Bread: our illustration for the community kitchens story.",
        dateline="Buenos Aires",
    ),
    ArticleSpec(
        "auto-independent-unions", "international", "article", 420,
        "In the auto plants, independent unions gain ground",
        "New rules requiring secret ballots on collective agreements have opened the way for "
        "unions that the companies did not choose.",
        "For decades, workers at the region's auto plants were covered by contracts they had "
        "never seen, signed by unions they had never elected. New rules requiring a secret "
        "ballot on every agreement have started to change that.",
        ("daniel-okafor",), ("trade-unions", "elections"), "union",
        "Union: our illustration for the auto plants story.",
        dateline="León",
    ),
    # ---------------------------------------------------------------- Ideas & Debates
    ArticleSpec(
        "stalinism-and-socialism", "ideas", "article", 6,
        "What Stalinism did to the word 'socialism'",
        "The crimes committed in socialism's name are not a footnote to our tradition. Reckoning "
        "with them is the condition for being believed.",
        "Ask someone on a bus what socialism means, and there is a fair chance the answer will "
        "involve queues, secret police and a statue. We can complain that this is unfair. Or we "
        "can ask why the word came to mean that, and what it would take to win it back.",
        ("priya-natarajan",), ("stalinism", "labor-history"), "archive",
        "Archive: our illustration for essays on the history of the left.",
    ),
    ArticleSpec(
        "sectoral-bargaining", "ideas", "article", 25,
        "The case for sectoral bargaining, and its limits",
        "Sector-wide agreements can lift the floor for millions. They can also turn unions into "
        "administrators of other people's wages.",
        "Where unions negotiate for whole sectors rather than single workplaces, wages are more "
        "equal and fewer workers fall through the cracks. That is the strong case for sectoral "
        "bargaining, and it is a good one. But it is not the whole story.",
        ("kwame-boateng",), ("trade-unions", "labor-history"), "debate",
        "Debate: our illustration for Ideas & Debates.",
    ),
    ArticleSpec(
        "elections-we-lose", "ideas", "article", 50,
        "Should the left run in elections it expects to lose?",
        "Two contributors disagree about whether electoral campaigns build movements or drain "
        "them.",
        "We asked two of our contributors, who have argued about this for years over dinner, to "
        "argue about it in print instead. What follows is a condensed version of an exchange "
        "that ran to several thousand words.",
        ("priya-natarajan", "tomas-vidal"), ("elections", "far-right"), "debate",
        "Debate: our illustration for Ideas & Debates.",
    ),
    ArticleSpec(
        "degrowth-interview", "ideas", "interview", 85,
        "'Degrowth is not austerity': a conversation about climate and class",
        "An ecological economist on why a shorter working week belongs at the center of climate "
        "politics.",
        "",
        ("priya-natarajan",), ("climate", "trade-unions"), "climate",
        "Climate: our illustration for the conversation.",
        dateline="Lisbon",
        paragraphs=(
            "<p>Inés Carvalho is an ecological economist who works with trade unions on climate "
            "policy. We talked about why the word 'degrowth' frightens people, and whether it "
            "should. The conversation has been condensed.</p>",
            *_qa("Why does degrowth sound like austerity to so many workers?",
                 "Because for forty years 'less' has meant less for them: less pay, fewer "
                 "services, fewer rights. If we talk about producing less without saying who "
                 "produces less, people will assume it is them again. And they would usually be "
                 "right.",
                 "Inés Carvalho"),
            *_qa("So what should the left say instead?",
                 "That we want less of what is useless and destructive, private jets, planned "
                 "obsolescence, advertising, and more of what makes life good: time, care, "
                 "public transport, housing. Less work and more life. Put like that, it is an "
                 "old demand of the workers' movement.",
                 "Inés Carvalho"),
            *_qa("Where do unions come in?",
                 "Shorter hours without loss of pay is the single most important climate demand "
                 "there is, and only unions can win it. Every hour not worked in a wasteful "
                 "industry is emissions not produced, and an hour given back to someone.",
                 "Inés Carvalho"),
        ),
    ),
    ArticleSpec(
        "kerr-eight-hours", "ideas", "translation", 115,
        "Anselm Kerr: 'The eight hours are not a gift' (1906)",
        "A pamphlet by the typesetter and organizer, newly translated, on why shorter hours had "
        "to be taken rather than asked for.",
        "We publish here, in a new translation, the central section of a pamphlet Anselm Kerr "
        "wrote for a printers' union in 1906. \"They will tell you the eight-hour day is coming, "
        "that enlightened employers and wise ministers are preparing it for you. Do not wait for "
        "it. A day given is a day that can be taken back.\"",
        ("anselm-kerr", "priya-natarajan"), ("labor-history", "trade-unions"), "print",
        "Print: our illustration for the Kerr translation.",
    ),
    ArticleSpec(
        "against-campism", "ideas", "article", 180,
        "Against campism: internationalism means siding with workers, not states",
        "Some on the left judge every war by which great power it harms. That is a poor guide "
        "for the people who actually live through them.",
        "There is a habit of mind on parts of the left that reduces every conflict to a single "
        "question: which side is the main enemy opposed to? Whoever it opposes becomes, if not "
        "a friend, at least someone not to be criticized. It is a habit worth breaking.",
        ("ilse-brandt",), ("war-in-ukraine", "stalinism"), "debate",
        "Debate: our illustration for Ideas & Debates.",
        dateline="Berlin",
    ),
    ArticleSpec(
        "far-right-vocabulary", "ideas", "article", 240,
        "The far right's new working-class vocabulary",
        "Far-right parties now talk about wages and pensions. Their answers still come down to "
        "blaming migrants.",
        "Listen to a far-right rally today and you will hear more about pensions, energy bills "
        "and factory closures than you would have ten years ago. The vocabulary has changed. "
        "Look at the voting record, and the policies have not.",
        ("ilse-brandt",), ("far-right", "migration", "elections"), "march",
        "March: our illustration for essays on the far right.",
        dateline="Berlin",
    ),
    ArticleSpec(
        "two-languages-statement", "ideas", "statement", 300,
        "Statement: why The Red Ledger publishes in two languages",
        "Our Spanish edition begins today. A note from the editorial collective on translation "
        "as political work.",
        "",
        ("priya-natarajan", "tomas-vidal"), ("migration", "labor-history"), "voices",
        "Voices: the poster for the launch of our Spanish edition.",
        paragraphs=(
            "<p>From today, a selection of our reporting and analysis will appear in Spanish as "
            "well as English, with more to follow. We are doing this because the movements we "
            "cover do not stop at a language border, and neither should the conversation about "
            "them.</p>",
            "<p>Translation is not a technical afterthought. The workers' movement was built by "
            "people who translated pamphlets by candlelight so that a strike in one port could be "
            "understood in another. We see our Spanish edition as a modest continuation of that "
            "work.</p>",
            "<p>We will not simply translate everything. Some pieces will be written first in "
            "Spanish, some will be adapted rather than translated, and readers of both editions "
            "will be able to write to us in either language.</p>",
        ),
    ),
    ArticleSpec(
        "workers-councils-history", "ideas", "article", 390,
        "What the history of workers' councils teaches about democracy at work",
        "From factory committees to modern cooperatives, experiments in workplace democracy keep "
        "running into the same question: who decides?",
        "Every few decades, in a moment of crisis, workers somewhere take over their workplace "
        "and start running it themselves. The forms vary, councils, committees, cooperatives, "
        "but the questions they face are strikingly similar.",
        ("kwame-boateng",), ("labor-history", "stalinism"), "archive",
        "Archive: our illustration for essays on the history of the left.",
    ),
    # ---------------------------------------------------------------- Video
    ArticleSpec(
        "class-notes-1", "video", "video", 150,
        "Class Notes, episode 1: What is a wage?",
        "Our short course in political economy begins with the most ordinary thing in the "
        "world: the payslip.",
        "What are you actually paid for? In the first episode of Class Notes, we start with a "
        "payslip and work backwards, to the difference between the work you do and the work you "
        "are paid for.",
        ("jonah-whitfield", "priya-natarajan"), ("trade-unions", "labor-history"), "notes",
        "Class Notes: the series poster.",
        video_url=_yt("demoClass01"),
    ),
    ArticleSpec(
        "class-notes-2", "video", "video", 136,
        "Class Notes, episode 2: Where profit comes from",
        "If every transaction is a fair exchange, where does the surplus come from? A ten-minute "
        "answer with a whiteboard.",
        "In episode two, we follow a single shirt from the cotton field to the shop and ask, at "
        "every step, who gets paid, how much, and who keeps the difference.",
        ("jonah-whitfield", "priya-natarajan"), ("trade-unions", "labor-history"), "notes",
        "Class Notes: the series poster.",
        video_url=_yt("demoClass02"),
    ),
    ArticleSpec(
        "class-notes-3", "video", "video", 122,
        "Class Notes, episode 3: Why there is always a crisis somewhere",
        "Booms, busts and bailouts: an introduction to why capitalism keeps breaking down, and "
        "who pays to fix it.",
        "Economists call them shocks, as if they came from outside. In episode three we look at "
        "why crises keep coming from inside the system, and why the bill keeps arriving at the "
        "same addresses.",
        ("jonah-whitfield", "kwame-boateng"), ("trade-unions", "housing"), "notes",
        "Class Notes: the series poster.",
        video_url=_yt("demoClass03"),
    ),
    ArticleSpec(
        "class-notes-4", "video", "video", 108,
        "Class Notes, episode 4: The state, the boss and the law",
        "Is the state a referee, or a player? Episode four looks at who writes the rules of the "
        "workplace, and how they have been changed.",
        "From anti-union laws to minimum wages, the rules of work are written by the state. "
        "Episode four asks whose interests they serve, and how workers have managed to rewrite "
        "them in the past.",
        ("jonah-whitfield", "priya-natarajan"), ("trade-unions", "elections"), "notes",
        "Class Notes: the series poster.",
        video_url=_yt("demoClass04"),
    ),
    ArticleSpec(
        "class-notes-5", "video", "video", 94,
        "Class Notes, episode 5: How workers win",
        "The last episode of the series: leverage, organization and solidarity, illustrated with "
        "three strikes that won.",
        "The series ends with the most practical question of all. Using three disputes that "
        "workers won, we look at what they had in common: leverage, organization, and the "
        "willingness of others to stand with them.",
        ("jonah-whitfield", "marta-quiroga"), ("strikes", "trade-unions"), "notes",
        "Class Notes: the series poster.",
        video_url=_yt("demoClass05"),
    ),
    ArticleSpec(
        "norvale-picket-video", "video", "video", 1,
        "Video: the first night on the Norvale picket line",
        "Footage from the first night of the warehouse strike: the gates, the braziers, and the "
        "workers explaining why they walked out.",
        "We spent the first night of the Norvale strike at the gates of the largest depot. This "
        "film, shot between midnight and dawn, lets the pickets explain in their own words why "
        "they decided to stop work.",
        ("jonah-whitfield", "marta-quiroga"), ("strikes", "logistics"), "strike",
        "Strike: our poster for the Norvale dispute.",
        dateline="Rotterdam",
        video_url="https://peertube.example/w/demoNorvalePicketLine1",
    ),
    ArticleSpec(
        "kharkiv-rail-video", "video", "video", 45,
        "Video: 'We repair the lines at night' — rail workers in Kharkiv",
        "A short documentary following a track maintenance crew through one night of repairs.",
        "The crew sets out after dark. In this short film, made with our correspondent Oleksa "
        "Hnatiuk, we follow rail workers repairing a damaged line so that the morning trains can "
        "run.",
        ("jonah-whitfield", "oleksa-hnatiuk"), ("war-in-ukraine", "trade-unions"), "rails",
        "Rails: our illustration for the Kharkiv film.",
        dateline="Kharkiv",
        video_url=_yt("demoKharkiv"),
    ),
    ArticleSpec(
        "phone-tree-video", "video", "video", 260,
        "Video: the tenants who stopped an eviction with a phone tree",
        "When the bailiffs came, eighty neighbors were already on the stairs. How a tenants' "
        "union built its rapid-response network.",
        "It took eleven minutes from the first call to the first neighbor on the stairs. This "
        "film tells the story of how a tenants' union turned a list of phone numbers into a way "
        "of stopping evictions.",
        ("jonah-whitfield", "lucia-ferreyra"), ("housing", "feminism"), "rent",
        "Rent: our illustration for the tenants' film.",
        dateline="Buenos Aires",
        video_url=_yt("demoTenants"),
    ),
    # ---------------------------------------------------------------- Movements
    ArticleSpec(
        "tenant-unions-compare", "movements", "article", 8,
        "Tenants' unions from five cities compare notes on rent strikes",
        "At a weekend assembly, organizers shared what worked, and what did not, when whole "
        "buildings withheld the rent.",
        "Sixty organizers from tenants' unions in five cities spent a weekend in a school "
        "gymnasium comparing notes. The question on the agenda was the hardest one they face: "
        "when is a rent strike worth the risk?",
        ("lucia-ferreyra", "tomas-vidal"), ("housing", "trade-unions"), "rent",
        "Rent: our illustration for the tenants' assembly.",
        dateline="Barcelona",
    ),
    ArticleSpec(
        "domestic-workers-contracts", "movements", "article", 18,
        "Domestic workers' collective wins its first written contracts",
        "After two years of pressure, families employing members of the collective have signed "
        "contracts covering hours, holidays and sick pay.",
        "For most of the women in the collective, it is the first employment contract they have "
        "ever signed. It sets out their hours, their pay, their holidays and what happens when "
        "they are ill: things most workers take for granted.",
        ("lucia-ferreyra",), ("feminism", "migration", "trade-unions"), "care",
        "Care: our illustration for the domestic workers' story.",
        dateline="São Paulo",
    ),
    ArticleSpec(
        "deportation-flights-statement", "movements", "statement", 36,
        "Statement: no to the deportation flights",
        "The editorial collective on the government's plan for charter flights for mass "
        "removals, and the airport workers refusing to take part.",
        "",
        ("daniel-okafor", "marta-quiroga"), ("migration", "far-right", "trade-unions"), "borders",
        "Borders: our illustration for coverage of the deportation flights.",
        paragraphs=(
            "<p>The government has announced that it will charter flights every week to remove "
            "people whose asylum claims have been refused, many of whom have lived, worked and "
            "paid taxes here for years. We oppose these flights without qualification.</p>",
            "<p>A number of airport workers, ground staff and cabin crew have said they will not "
            "take part. Their unions should defend them, and so should everyone who believes "
            "that workers have the right to refuse to participate in cruelty.</p>",
            "<p>Deportation is presented as a response to public concern. It is in fact a wage "
            "policy: a way of keeping a section of the workforce afraid. That is why the labor "
            "movement has every reason to oppose it, and we will report on every flight.</p>",
        ),
    ),
    ArticleSpec(
        "counter-protest", "movements", "article", 65,
        "Anti-fascists outnumber far-right march tenfold",
        "A coalition of unions, migrant groups and students turned out thousands to confront a "
        "far-right rally. Police kettled the counter-protest.",
        "The far-right march had been advertised for weeks. When it arrived at the square, it "
        "found the square already full: thousands of people from unions, migrant associations, "
        "football supporters' clubs and student groups, outnumbering the marchers ten to one.",
        ("ilse-brandt",), ("far-right", "migration"), "march",
        "March: our illustration for the counter-protest.",
        dateline="Leipzig",
    ),
    ArticleSpec(
        "pride-union-banner", "movements", "interview", 90,
        "'Pride began as a riot': queer organizers bring the union banner back",
        "Two members of a union's LGBTQ+ network on returning a workplace contingent to Pride, "
        "without corporate sponsors.",
        "",
        ("marta-quiroga",), ("trade-unions", "feminism"), "march",
        "March: our illustration for the Pride interview.",
        dateline="Amsterdam",
        paragraphs=(
            "<p>Sam Achterberg and Dee Nwosu are members of the LGBTQ+ network of a public "
            "sector union. This year, for the first time in a decade, the network marched at "
            "Pride behind its own banner rather than a sponsor's float. We spoke to them both.</p>",
            *_qa("Why did it matter to march as a union?",
                 "Because the rights we have at work, protection from dismissal, partners' "
                 "pensions, were won by unions, not by brands. Marching behind a bank's logo "
                 "tells a different story about who won them.",
                 "Dee Nwosu"),
            *_qa("Was there resistance inside the union?",
                 "Some people worried it would look divisive. We said: the people who want to "
                 "divide the workforce are already doing it. We just want to be visible while "
                 "we stand together.",
                 "Sam Achterberg"),
            *_qa("What comes next?",
                 "Trans members are facing harassment at work and we need a proper policy, "
                 "negotiated and enforced. A banner is a start. A clause in the agreement is "
                 "better.",
                 "Dee Nwosu"),
        ),
    ),
    ArticleSpec(
        "floods-housing-estate", "movements", "article", 140,
        "Heat, floods and mould: climate comes to the housing estate",
        "Residents of a damp estate say the landlord treats floods as an act of God. Their "
        "campaign says otherwise.",
        "When the storm drains overflowed for the third time in two years, the residents of the "
        "estate stopped calling it bad luck. They started a campaign, measured the damp in "
        "every flat, and sent the results to the landlord, the council and the press.",
        ("lucia-ferreyra",), ("climate", "housing"), "climate",
        "Climate: our illustration for the housing estate campaign.",
        dateline="Marseille",
    ),
    ArticleSpec(
        "harvest-strike", "movements", "article", 190,
        "Migrant farmworkers strike at the height of the harvest",
        "Pickers in the greenhouses stopped work for three days over unpaid overtime and housing "
        "in shipping containers.",
        "The tomatoes were ripe and the pickers were not picking. For three days, workers at a "
        "cluster of greenhouse farms stopped work to demand payment for overtime and an end to "
        "housing in converted shipping containers.",
        ("tomas-vidal",), ("migration", "strikes", "housing"), "heat",
        "Heat: our illustration for the harvest strike.",
        dateline="Almería",
    ),
    ArticleSpec(
        "abortion-rights-unions", "movements", "article", 310,
        "Abortion rights campaigners turn to the unions",
        "With a restrictive bill before parliament, campaigners are asking unions to treat "
        "reproductive rights as a workplace issue.",
        "The campaigners' argument is simple: control over whether and when to have children is "
        "a condition of equal work. With a restrictive bill before parliament, they are taking "
        "that argument to union conferences.",
        ("ilse-brandt",), ("feminism", "trade-unions", "elections"), "voices",
        "Voices: our illustration for the reproductive rights campaign.",
    ),
    ArticleSpec(
        "school-strikers-grown", "movements", "article", 450,
        "The climate school strikers have grown up. Some are shop stewards now",
        "Years after the climate school strikes, some of their organizers have taken the fight "
        "into their workplaces. We asked what changed.",
        "They were fifteen when they first skipped school for the climate. Now some of them are "
        "nurses, bus drivers and warehouse workers, and a few have become union reps. We asked "
        "four of them what they learned along the way.",
        ("marta-quiroga",), ("climate", "education", "trade-unions"), "schools",
        "Schools: our illustration for the climate strikers' story.",
        dateline="Hamburg",
    ),
    # ---------------------------------------------------------------- Culture
    ArticleSpec(
        "bakery-strike-film", "culture", "article", 12,
        "A film about a bakery strike that refuses to be a fable",
        "The new drama follows a week-long stoppage in a family bakery, and trusts its audience "
        "to sit with the arguments.",
        "There are no villains in the bakery, which is what makes the film so unsettling. The "
        "owner is kind, the workers are loyal, and by the third day of the strike none of that "
        "matters as much as who decides when the ovens are lit.",
        ("rosa-lindqvist",), ("strikes", "feminism"), "bread",
        "Bread: our illustration for the film review.",
    ),
    ArticleSpec(
        "picket-line-songs", "culture", "article", 30,
        "Songs from the picket line: a new anthology of work songs",
        "A collective of musicians has recorded forty songs collected from strikes, some a "
        "century old and some written last winter.",
        "Some of the songs are older than anyone who sings them. Others were made up on a "
        "picket line last winter and had never been written down. Together they make up an "
        "anthology recorded by a collective of musicians in a union hall over one long weekend.",
        ("rosa-lindqvist",), ("labor-history", "strikes"), "voices",
        "Voices: our illustration for the song anthology.",
        dateline="Glasgow",
    ),
    ArticleSpec(
        "call-centre-novel", "culture", "article", 70,
        "The novel that makes a call centre feel like a cathedral",
        "A debut novel set over one night shift takes the dullest workplace imaginable and finds "
        "in it a whole society.",
        "Nothing happens in the novel, in the sense that nobody leaves the building. Over one "
        "night shift, twelve people answer calls, eat from vending machines, fall a little in "
        "love and begin, almost without noticing, to organize.",
        ("rosa-lindqvist",), ("feminism", "trade-unions"), "print",
        "Print: our illustration for the book review.",
    ),
    ArticleSpec(
        "printmaker-archive", "culture", "article", 110,
        "Posters for every strike: a printmaker's archive goes online",
        "Three decades of screen-printed posters, made overnight for pickets and marches, are "
        "now free to download.",
        "For thirty years, whenever a strike or a march needed a poster by morning, someone "
        "called the same print shop. Its archive of more than two thousand designs is now online "
        "and free for any union or campaign to use.",
        ("rosa-lindqvist",), ("labor-history", "strikes"), "print",
        "Print: our illustration for the printmaker's archive.",
        dateline="Chicago",
    ),
    ArticleSpec(
        "stairwell-theatre", "culture", "article", 170,
        "Theatre: the housing crisis, staged in a real stairwell",
        "A site-specific play performed in the corridors of a tower block asks its audience to "
        "climb the stairs residents climb every day.",
        "The lift is broken, as it has been for months, so the audience climbs. Each landing of "
        "the tower block is a scene, and by the fourteenth floor the play has told the story of "
        "a building, and of the people fighting to keep it.",
        ("lucia-ferreyra", "rosa-lindqvist"), ("housing", "feminism"), "rent",
        "Rent: our illustration for the theatre review.",
        dateline="Naples",
    ),
    ArticleSpec(
        "local-papers-documentary", "culture", "article", 290,
        "What we lose when local papers die",
        "A new documentary tours the empty newsrooms of former industrial towns, and meets the "
        "people trying to start again.",
        "The documentary opens in an empty newsroom, with a calendar still showing the month "
        "the paper closed. It then goes looking for the people who used to fill it, and for "
        "the ones trying to build something new in its place.",
        ("rosa-lindqvist",), ("elections", "far-right"), "cinema",
        "Cinema: our illustration for the documentary review.",
        dateline="Sheffield",
    ),
    ArticleSpec(
        "mining-strike-photographs", "culture", "article", 500,
        "Remembering the strike through its photographs",
        "An exhibition of amateur photographs from a decades-old mining strike shows the dispute "
        "as the families lived it.",
        "None of the photographers were professionals. They were miners, their partners and "
        "their children, with cheap cameras and rolls of film bought from the strike fund. The "
        "exhibition of their pictures is the best history of the strike yet made.",
        ("rosa-lindqvist",), ("labor-history", "strikes"), "cinema",
        "Cinema: our illustration for the photography exhibition.",
        dateline="Oviedo",
    ),
)

# Which article a video block in the body plays (beyond the lead video), by article key.
EXTRA_VIDEOS: dict[str, tuple[str, str]] = {
    "bakery-strike-film": (_yt("demoTrailer"), "The film's trailer."),
    "class-notes-2": (_yt("demoClass01"), "Missed the start? Episode 1: What is a wage?"),
    "class-notes-3": (_yt("demoClass02"), "Previously: Episode 2, Where profit comes from."),
    "class-notes-4": (_yt("demoClass03"), "Previously: Episode 3, Why there is always a crisis."),
    "class-notes-5": (_yt("demoClass04"), "Previously: Episode 4, The state, the boss and the law."),
}


@dataclass(frozen=True)
class DossierSpec:
    section: str
    title: str
    slug: str
    intro: str
    image: str
    items: tuple[tuple[str, str], ...]


DOSSIER = DossierSpec(
    "international",
    "Dossier: Ukraine, the war and the workers' movement",
    "dossier-ukraine-war-and-workers",
    "<p>Since the full-scale invasion, our correspondents have reported on the war from the "
    "point of view of the people who work through it: miners, rail workers, nurses and the "
    "unions that represent them. This dossier collects the pieces we think are essential, "
    "<b>with a note on why each one matters</b>.</p>",
    "peace",
    (
        ("just-peace-statement",
         "Start here: where the editorial collective stands, and why solidarity with Ukraine and "
         "with Ukrainian workers cannot be separated."),
        ("kharkiv-rail-interview",
         "A rail foreman on keeping the trains running under fire, and on the union hall that "
         "became a shelter."),
        ("miners-wage-arrears",
         "How the war has become a pretext for not paying wages, and how miners are fighting "
         "back."),
        ("labor-code-translation",
         "In their own words: a Ukrainian union federation on emergency labor rules that have "
         "outlasted the emergency."),
        ("reconstruction-money",
         "Our analysis of who is winning the reconstruction contracts, and who is left out."),
        ("against-campism",
         "The argument: why internationalists should side with workers rather than with any "
         "great power."),
    ),
)


@dataclass(frozen=True)
class SeriesSpec:
    section: str
    title: str
    slug: str
    description: str
    image: str
    episodes: tuple[str, ...]


SERIES = SeriesSpec(
    "video",
    "Class Notes: a short course in political economy",
    "class-notes",
    "<p>Five short videos, each under fifteen minutes, that explain the basics of how "
    "capitalism works and how workers have changed it. Made for <i>union branches, study "
    "groups and classrooms</i>: watch them in order, then argue.</p>",
    "notes",
    ("class-notes-1", "class-notes-2", "class-notes-3", "class-notes-4", "class-notes-5"),
)

# Front page curation, by article key and section key.
HOME_LEAD = "norvale-walkout"
HOME_FEATURED = ("miners-wage-arrears", "nurses-extend-strike", "tenant-unions-compare",
                 "stalinism-and-socialism")
HOME_SECTION_BLOCKS = (("labor", 4), ("international", 4), ("ideas", 3), ("video", 4))
