"""The defaults a new plan starts from: a KOSTRA skeleton, the TBU services, the TBU rules and
economic assumptions, each with the source or the reason it rests on.

Why in one place: every default a plan gets from ``muniplan init`` must be marked as such
(``validate`` lists those still in place, so finance staff know what to replace), must name
where it came from, and must be easy to review. Amounts are derived per user or per inhabitant
from the built-in Bærum 2018–2021 example (the one kommune whose budget is in the project, with
its own sources) and scaled to the new kommune's population by age: a starting point of the
right size, never a claim about the kommune's own budget.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MARK = "[standardverdi]"
"""Starts the ``assumption`` of every default ``muniplan init`` writes; ``validate`` warns
about each one still in place. Delete the mark (or the whole assumption, giving a
``source``) once the figure is the kommune's own."""

SOURCES: tuple[dict[str, str], ...] = (
    {"id": "ssb-07459", "title": "Befolkning etter region, kjønn, alder og år (tabell 07459)",
     "publisher": "Statistisk sentralbyrå (SSB), NLOD 2.0",
     "url": "https://www.ssb.no/statbank/table/07459"},
    {"id": "hmd", "title": "Human Mortality Database: Norway, death rates by age and sex",
     "publisher": "Human Mortality Database, CC BY 4.0", "url": "https://www.mortality.org"},
    {"id": "hfd", "title": "Human Fertility Database: Norway, age-specific fertility rates",
     "publisher": "Human Fertility Database, CC BY 4.0", "url": "https://www.humanfertility.org"},
    {"id": "tbu-ndr",
     "title": "TBU: anbefalt netto driftsresultat for kommunesektoren, 2 % fra 2014 "
              "(figur 3.14A; disposisjonsfond 12,2 % av driftsinntektene i 2018)",
     "publisher": "Det tekniske beregningsutvalg for kommunal og fylkeskommunal økonomi",
     "url": "https://www.regjeringen.no/contentassets/887f976224eb486ca773729f11184408/"
            "kap3-filer/sheet028.htm"},
    {"id": "tbu-demografi",
     "title": "TBU: merkostnader som følge av befolkningsutviklingen (metode)",
     "publisher": "Det tekniske beregningsutvalg for kommunal og fylkeskommunal økonomi",
     "url": "https://www.regjeringen.no/contentassets/42118522f35a462d9feebdf88e1620fc/"
            "kap3-filer/sheet017.htm"},
    {"id": "prop-88-s-2017-2018",
     "title": "Prop. 88 S (2017–2018), kap. 13: netto lånegjeld 47,5 % av driftsinntektene "
              "ved utgangen av 2017",
     "publisher": "Kommunal- og moderniseringsdepartementet",
     "url": "https://regjeringen.no/no/dokumenter/prop.-88-s-20172018/id2601105/?ch=6"},
    {"id": "ks-deflator",
     "title": "KS: Kommunal deflator i nasjonalbudsjettet 2022 (lønnsandel litt under 60 %)",
     "publisher": "KS",
     "url": "https://www.ks.no/fagomrader/okonomi/sjefokonomens-side/"
            "kommunal-deflator--i-nasjonalbudsjettet-2022/"},
    {"id": "kostra-kontoplan",
     "title": "KOSTRA-funksjoner i kommunenes kontoplan (eksempel: Hole kommune)",
     "publisher": "Hole kommune",
     "url": "http://docplayer.me/3106298-kontoplan-for-regnskap-og-lonn.html"},
    {"id": "baerum-eksempel",
     "title": "muniplans innebygde eksempel: Bærum kommune, Handlingsprogram 2018–2021 "
              "(beløp per innbygger og per bruker i 2018; se eksemplets SOURCES.md)",
     "publisher": "Bærum kommune",
     "url": "https://www.baerum.kommune.no/om-barum-kommune/organisasjon/styringsdokumenter/"
            "hp-2018-2021/pressemelding-handlingsprogram-2018-2021/"},
)


@dataclass(frozen=True)
class Area:
    """A programområde of the skeleton: its KOSTRA functions and the Bærum example's
    programområder whose 2018 frame, per user of ``service``, sizes it."""

    sector: str
    id: str
    name: str
    functions: str
    baerum: tuple[str, ...]
    service: str


SECTORS = {
    "oppvekst": "Oppvekst",
    "helse-og-omsorg": "Helse og omsorg",
    "teknikk-og-kultur": "Teknikk, miljø og kultur",
    "administrasjon": "Administrasjon og fellesutgifter",
}

AREAS: tuple[Area, ...] = (
    Area("oppvekst", "barnehage", "Barnehage", "201/211/221", ("barnehager",), "barnehage"),
    Area("oppvekst", "grunnskole", "Grunnskole og SFO", "202/213/215/222/223",
         ("grunnskole",), "grunnskole"),
    Area("oppvekst", "barnevern", "Barnevern", "244/251/252", ("barnevern",), "barnevern"),
    Area("helse-og-omsorg", "pleie-og-omsorg", "Pleie og omsorg", "234/253/254/256/261",
         ("pleie-og-omsorg",), "pleie-og-omsorg"),
    Area("helse-og-omsorg", "kommunehelse", "Kommunehelse", "232/233/241",
         ("kommunehelse",), "kommunehelse"),
    Area("helse-og-omsorg", "sosialtjeneste", "Sosialtjeneste og bolig",
         "242/243/265/273/275/276/281/283", ("sosialtjeneste-og-bolig",), "sosialtjeneste"),
    Area("teknikk-og-kultur", "plan-og-teknikk", "Plan, bygg, samferdsel og brann",
         "301/302/303/332/338/339", ("fysisk-planlegging", "transport", "prosjekttjenester"),
         "ovrige-tjenester"),
    Area("teknikk-og-kultur", "vann-avlop-renovasjon", "Vann, avløp og renovasjon",
         "340/345/350/353/354/355/357", ("vann-og-avlop",), "ovrige-tjenester"),
    Area("teknikk-og-kultur", "kultur-og-kirke", "Kultur, idrett, kirke og gravplasser",
         "360/365/370/380/381/383/385/386/390/392/393", ("kultur-og-fritid", "ovrige-mik"),
         "ovrige-tjenester"),
    Area("administrasjon", "administrasjon", "Administrasjon, politisk styring og fellesutgifter",
         "100/110/120/121/130/180/190", ("administrasjon",), "ovrige-tjenester"),
)

SERVICES: tuple[dict, ...] = (
    {"id": "barnehage", "name": "Barnehage", "groups": [{"ages": [1, 5], "coverage": 0.92}],
     "assumption": "Coverage about 92 % of children aged 1–5, the national level the Bærum "
                   "example assumes; replace with the kommune's own (KOSTRA)"},
    {"id": "grunnskole", "name": "Grunnskole og SFO",
     "groups": [{"ages": [6, 15], "coverage": 1.0}],
     "assumption": "Every child aged 6–15 (TBU method)"},
    {"id": "barnevern", "name": "Barnevern", "groups": [{"ages": [0, 17], "coverage": 1.0}],
     "assumption": "Cost per inhabitant aged 0–17"},
    {"id": "pleie-og-omsorg", "name": "Pleie og omsorg",
     "groups": [{"ages": [0, 66], "coverage": 0.008}, {"ages": [67, 79], "coverage": 0.06},
                {"ages": [80, 89], "coverage": 0.25}, {"ages": [90, 105], "coverage": 0.60}],
     "assumption": "Intensity-weighted users per inhabitant in the TBU age groups 67–79, "
                   "80–89 and 90+, as in the Bærum example; replace with the kommune's IPLOS "
                   "figures"},
    {"id": "kommunehelse", "name": "Kommunehelse", "groups": [{"ages": [0, 105], "coverage": 1.0}],
     "assumption": "Cost per inhabitant (TBU method)"},
    {"id": "sosialtjeneste", "name": "Sosialtjeneste og bolig",
     "groups": [{"ages": [18, 66], "coverage": 1.0}],
     "assumption": "Cost per inhabitant aged 18–66"},
    {"id": "ovrige-tjenester", "name": "Øvrige tjenester (teknikk, kultur, administrasjon)",
     "groups": [{"ages": [0, 105], "coverage": 1.0}],
     "assumption": "TBU counts other services as proportional to the total population"},
)

FRAME_SHARE = 0.94
"""Operating frames as a share of operating income. Why 0.94: what is left pays the interest
and instalments of the default debt and leaves about the 2 % result TBU recommends (the
Bærum example's frame was 9.4 of 10.53 bn, 0.89, for a result near 8 %)."""

INCOME_SHARES = {"tax": 0.40, "block_grant": 0.34, "fees": 0.13, "other": 0.13}
"""Frie inntekter 74 % of income, as in Bærum (HP 2019–22); split about evenly between tax
and rammetilskudd, which is nearer the average kommune than Bærum's 55 % tax; the rest half
fees, half refunds and transfers, as in the Bærum example."""

INCOME_NAMES = {"tax": "Skatt på inntekt og formue", "block_grant": "Rammetilskudd",
                "fees": "Brukerbetalinger, salgs- og leieinntekter",
                "other": "Refusjoner og andre overføringer"}

DEBT_RATIO = 0.475               # prop-88-s-2017-2018
FUND_RATIO = 0.122               # tbu-ndr, figure 3.14A
DEPRECIATION_RATIO = 480 / 10530  # Bærum example: depreciation / income 2018
ASSET_LIFE = 35                  # Bærum example: the 35-year average life of KMD's example
UPRATING = 0.03
"""Yearly uprating of the Bærum example's 2018 kroner to the base year's kroner (an assumed
kommunal deflator; the years after 2018 are not in the project's statistics)."""


def mark(text: str) -> str:
    """An assumption text marked as an unreplaced default."""
    return f"{DEFAULT_MARK} {text}"
