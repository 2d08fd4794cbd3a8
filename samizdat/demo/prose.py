"""Pools of original body prose, per section, that demo article bodies are built from.

Each article opens with its own lede (in `articles.py`); the rest of its body rotates
through these paragraphs, headings and quotes so no two neighbours read alike.
"""

from __future__ import annotations

PARAGRAPHS: dict[str, tuple[str, ...]] = {
    "labor": (
        "Management's offer, presented as final, would have raised basic pay by less than rents "
        "rose over the same period. Union negotiators point out that the company's own accounts, "
        "filed last spring, tell a different story: the dividend paid to shareholders alone would "
        "have covered the difference for every worker on the payroll.",
        "What changed this time, organizers say, was the work done long before any ballot. Reps "
        "mapped every shift and every team, found out who the respected people were in each, and "
        "spent months in one-to-one conversations. By the time the vote came, nobody needed to be "
        "won over at a mass meeting: the argument had already been had, person by person.",
        "The employer has tried the familiar tactics. Letters were sent to workers' homes warning "
        "of lost bonuses, managers held compulsory meetings on the risks of 'third parties', and a "
        "consultancy that advertises its union-avoidance services was hired in the weeks before "
        "the vote. So far, the lines have held.",
        "Solidarity has come from unexpected places. Workers at a neighboring site refused to "
        "cover the struck shifts, a local bakery has been sending bread every morning, and the "
        "strike fund set up by the branch raised more in its first week than in the previous two "
        "years combined.",
        "Labor lawyers note that the legal ground keeps shifting. New rules on notice periods and "
        "turnout thresholds have made it harder to act quickly, which means that disputes are now "
        "won or lost in the months of preparation before any action is taken. Several unions have "
        "started running their own courses on the law for workplace reps.",
        "For many of those involved, the dispute is about more than the hourly rate. Workers "
        "describe rotas published with two days' notice, targets tracked to the minute, and "
        "supervisors who treat a bathroom break as a disciplinary matter. \"We want to be treated "
        "like adults,\" one of them said. \"That's the whole demand, really.\"",
        "The union's demands look modest on paper: a raise in line with prices, guaranteed hours "
        "for those who want them, and a joint health and safety committee with real powers. But "
        "the employer appears to understand that conceding any of them would change the balance "
        "of power at work, and that is what it is resisting.",
        "Whatever the outcome, the dispute has already changed the workplace. Membership has more "
        "than doubled since the spring, a new layer of reps has been elected, and people who had "
        "never been to a union meeting now run the strike committee's rota. \"Even if we lose "
        "this round,\" a rep told us, \"we are not going back to how it was.\"",
    ),
    "international": (
        "Independent unions in the region have long worked under pressure, but the past year has "
        "tested them as never before. Offices have been searched, leaders called in for "
        "questioning, and members told that union activity is incompatible with the national "
        "interest. Many have kept organizing anyway, often through informal networks that are "
        "harder to break up.",
        "Governments have used the crisis to push through measures they had wanted for years: "
        "longer working hours, weaker protection against dismissal, new limits on the right to "
        "assemble. Each was described as temporary. Few have been repealed.",
        "For the people we spoke to, solidarity is a practical question rather than an abstract "
        "one. They asked for help with legal costs, for medical supplies, for contacts in unions "
        "abroad who could put pressure on the multinationals they work for. What they did not ask "
        "for was advice on which great power to trust.",
        "The international federations have issued statements, but activists on the ground say "
        "words are the easy part. What matters, they argue, is whether unions in the countries "
        "where the companies are headquartered will raise their colleagues' cases at the "
        "bargaining table and at shareholder meetings.",
        "Local organizers are careful about what they say in public. Several asked that their "
        "names be withheld, not because they fear their employer but because of the wider mood, "
        "in which criticism of the authorities is easily labeled disloyalty.",
        "Economists point out that the costs of the crisis are being shared very unevenly. Food "
        "and fuel prices have risen fastest, and households that spend most of their income on "
        "them have been hit hardest, while the firms supplying them report record margins.",
        "It would be easy to tell this story as one of victims. That would miss what is most "
        "striking on the ground: the self-organization of ordinary people, who set up kitchens, "
        "shelters, transport and clinics faster than any official agency managed to.",
        "None of this will be settled by diplomats alone. Whatever agreements are eventually "
        "signed, the people who will rebuild the railways, the hospitals and the schools are the "
        "workers whose voices are almost entirely absent from the talks.",
    ),
    "ideas": (
        "Arguments like this one tend to be conducted as if the only choice were between purity "
        "and compromise. The history of the workers' movement suggests a more useful question: "
        "which choices leave working people better organized, more confident and more capable of "
        "acting for themselves the next time?",
        "It is worth remembering how recent some of our certainties are. The weekend, the "
        "pension, the public hospital were all denounced as utopian until the day they were won. "
        "Realism, in politics, is usually a description of the current balance of forces "
        "presented as a law of nature.",
        "The objection deserves a serious answer rather than a slogan. If socialists cannot "
        "explain how their proposals would work in practice, in a particular city, with "
        "particular people and particular budgets, they should not be surprised when they are "
        "not trusted with either.",
        "Our tradition has never been a single tradition. It contains democrats and bureaucrats, "
        "internationalists and nationalists, people who died resisting dictatorships and people "
        "who built them. Being honest about that is not a concession to our opponents; it is the "
        "starting point of any politics worth the name.",
        "Much of what passes for strategy on the left is really a wager on a shortcut: a leader, "
        "a party, a clever piece of legislation that will do the work that only mass "
        "organization can do. The shortcuts keep failing for the same reason. Nothing replaces "
        "people deciding for themselves.",
        "The debate is not only about tactics. Underneath it lies a disagreement about what "
        "socialism is for: a better administration of society by experts on our side, or the "
        "self-government of the people who do society's work. The answer shapes every decision "
        "that follows.",
        "Readers have written to us with sharp disagreements, and we will publish a selection "
        "next month. That is as it should be. A movement that cannot argue in public cannot think "
        "in public either, and it will make its mistakes in private, where they are harder to "
        "correct.",
        "None of this is new. Earlier generations of organizers argued over exactly these "
        "questions in pamphlets, branch meetings and prison letters. Reading them now is less "
        "about finding answers than about recovering the seriousness with which they were asked.",
    ),
    "video": (
        "This video is part of our effort to put working people in front of the camera rather "
        "than behind the headlines. It was filmed by a crew of two, and the people who appear in "
        "it saw a rough cut before publication and asked for two changes, both of which we made.",
        "We kept the interviews long and the narration short. Where we needed to explain "
        "something, we tried to let the people who live it do the explaining, and we cut "
        "anything that sounded like a press release, whoever it came from.",
        "Subtitles are available in English and Spanish. If you would like to screen the film at "
        "a union branch, tenants' meeting or classroom, write to us: we will send a download "
        "link and a short discussion guide free of charge.",
        "The footage was shot over several days and nights. Some of it is rough, filmed on phones "
        "by the participants themselves, and we have left it that way: it shows what it felt like "
        "to be there better than anything we could have staged.",
        "Every episode ends with a question rather than a conclusion. We want these videos to "
        "start arguments in break rooms and study groups, not settle them, and we read every "
        "comment and email that comes back.",
        "Our video work is paid for by readers, not advertisers. That is why we can spend a week "
        "on a picket line for a twelve-minute film, and why we never have to cut a scene because "
        "a sponsor would not like it.",
    ),
    "movements": (
        "The campaign began, as these things often do, with a handful of people in a kitchen. "
        "Within a year it had a membership list, a legal fund, a phone tree reaching hundreds of "
        "households, and a reputation that brought landlords and officials to the table.",
        "Organizers are clear that none of this happened spontaneously. It took months of "
        "door-knocking, translated leaflets, childcare at every meeting and a deliberate effort "
        "to make sure that the people most affected were the ones speaking and deciding.",
        "The authorities' response has followed a familiar pattern: first ignore, then dismiss, "
        "then criminalize. Two organizers face charges over a peaceful sit-in, and the campaign "
        "has made their defense part of its public work.",
        "What is new is the link with the unions. Several branches have passed motions of "
        "support, lent their halls for meetings, and, crucially, started to treat their own "
        "members' housing, immigration and childcare problems as union business.",
        "The far right has tried to exploit the same anxieties, blaming newcomers for shortages "
        "that are the result of decades of policy choices. The campaign's answer has been to "
        "organize precisely across the lines the far right wants to draw.",
        "Not everything has worked. A petition to the city council went unanswered, and an "
        "attempt to build a national network stalled. But the local groups are larger than they "
        "were a year ago, and each victory has been followed by a wave of new members.",
        "Participants describe the movement as something more than a campaign. People who were "
        "isolated have found neighbors; people who were afraid of officials have learned to "
        "argue with them; and a generation of organizers has been trained in the process.",
        "The next test will come in the autumn, when the measures campaigners have fought come "
        "up for renewal. They intend to be in the public gallery, and on the streets outside, "
        "in larger numbers than before.",
    ),
    "culture": (
        "It would be easy to praise a work like this for its politics alone. It deserves better: "
        "it is funny, formally daring and uncomfortable in the right places, and it trusts its "
        "audience to do some of the work.",
        "The pleasure of the thing is in its detail. Anyone who has worked a shift will recognize "
        "the small rituals, the jokes repeated until they become passwords, the way time "
        "stretches at four in the morning and vanishes before a deadline.",
        "Not everything succeeds. A subplot about a manager's crisis of conscience feels grafted "
        "on, and the ending reaches for a grandeur the rest of the work has wisely avoided. But "
        "these are the flaws of ambition, not of timidity.",
        "The work sits in a long tradition of art made from the lives of working people, from "
        "the proletarian novels of the 1930s to the documentary theatre of the 1970s. What sets "
        "it apart is its refusal to turn its characters into symbols.",
        "Funding for work like this has been cut at every level, and the artists involved are "
        "frank about the cost. Several held other jobs throughout, and the project was finished "
        "with the help of a union hall that lent its stage for free.",
        "Go and see it, or read it, or listen to it, and then argue about it with someone. That "
        "is what it was made for, and it is what culture made from below has always been for.",
    ),
}

HEADINGS: dict[str, tuple[str, ...]] = {
    "labor": ("How the vote was won", "The employer's playbook", "What the workers want",
              "Solidarity on the ground", "The law, and how to get around it", "What comes next"),
    "international": ("A crisis made in boardrooms", "Organizing under pressure",
                      "What solidarity means here", "The view from the ground", "Who pays",
                      "After the talks"),
    "ideas": ("The objection", "A short history", "What is at stake", "Against shortcuts",
              "Where we disagree", "The question that remains"),
    "video": ("About this film", "How we made it", "Watch, then argue", "Screen it yourself"),
    "movements": ("From a kitchen table", "Who decides", "The backlash", "Allies in the unions",
                  "Setbacks and lessons", "The autumn test"),
    "culture": ("Beyond the message", "In the details", "Where it falters", "A long tradition",
                "The cost of making it"),
}

PULL_QUOTES: tuple[str, ...] = (
    "We are not asking for a favour. We are asking for our share of what we made.",
    "The company can count every second we work. It has never once counted what we are owed.",
    "Nobody gave us the weekend. Somebody took it, and somebody else wants it back.",
    "If they can find money for bonuses, they can find money for the night shift.",
    "We did not choose this war, and we will not let it be used to take our rights.",
    "Solidarity is not a feeling. It is a decision you make every morning at the gate.",
    "A union is just people who have stopped being afraid of each other.",
    "They told us we were too divided to organize. Then we started talking to each other.",
    "The rent goes up every year. The wages go up when we make them.",
    "Socialism without democracy is not socialism. It is just another boss with a flag.",
    "Every border is a wage policy dressed up as security.",
    "We wrote the songs because nobody else was going to write them for us.",
)

BLOCK_QUOTES: tuple[tuple[str, str], ...] = (
    ("Let no one say the hours were granted. They were taken, hour by hour, by those who "
     "stopped the machines and would not start them again until the clock was changed.",
     "Anselm Kerr, 'The eight hours are not a gift' (1906)"),
    ("The branch resolves that no member shall cover work left undone by colleagues on "
     "strike, and that any member so instructed shall report the instruction to the branch "
     "secretary the same day.",
     "Resolution adopted at a branch meeting, as read to our reporter"),
    ("We ask for three things: to be paid for all the hours we work, to be told our shifts in "
     "time to arrange our lives, and to be spoken to like people.",
     "Strike bulletin, printed overnight on the union's photocopier"),
    ("There is no front page for the people who keep the lights on. So we will write our own "
     "and hand it out at the gates.",
     "From the first issue of a workplace newsletter"),
    ("A movement is measured less by how many come to its marches than by how many come back "
     "the week after, to do the dull work of keeping it alive.",
     "Notes from an organizer's training course"),
    ("We will defend our country, and we will defend our rights in it. Whoever tells us to "
     "choose between the two is not on our side.",
     "Statement of a regional union council, translated by Oleksa Hnatiuk"),
)

IMAGE_CAPTIONS: tuple[str, ...] = (
    "From The Red Ledger's poster series.",
    "Our studio's illustrations are free to reuse on picket lines and in union newsletters.",
    "Illustration made for this article.",
)
