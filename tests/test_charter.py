"""Budgets from Confluence Page Properties, in the formats people type."""

from datetime import date

import pytest

from pipelines.sources.confluence.charter import CharterError, parse_amount, parse_charter, parse_date


def page(rows: dict[str, str]) -> str:
    cells = "".join(f"<tr><th><p>{k}</p></th><td><p>{v}</p></td></tr>" for k, v in rows.items())
    return (
        '<p>Intro&nbsp;text</p><ac:structured-macro ac:name="details" ac:schema-version="1" ac:macro-id="x">'
        f"<ac:rich-text-body><table><tbody>{cells}</tbody></table></ac:rich-text-body></ac:structured-macro>"
    )


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("€250,000", 250_000, "EUR"),
        ("250.000 EUR", 250_000, "EUR"),
        ("250k", 250_000, None),
        ("EUR 250 000", 250_000, "EUR"),
        ("USD 420 000", 420_000, "USD"),
        ("$1.2M", 1_200_000, "USD"),
        ("1,250,000.50 GBP", 1_250_000.5, "GBP"),
        ("1.250.000,50 €", 1_250_000.5, "EUR"),
        ("95k", 95_000, None),
        ("12,5", 12.5, None),
    ],
)
def test_amount_formats(text, amount, currency):
    assert parse_amount(text) == (pytest.approx(amount), currency)


@pytest.mark.parametrize("text", ["about a million", "€2x0", "1,25,000", "EUR 10 USD"])
def test_unreadable_amounts_are_errors_not_zero(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("5 January 2026", date(2026, 1, 5)),
        ("January 5th, 2026", date(2026, 1, 5)),
        ("5 Jan 2026", date(2026, 1, 5)),
        ("05.01.2026", date(2026, 1, 5)),
        ("25/01/2026", date(2026, 1, 25)),
        ("01/25/2026", date(2026, 1, 25)),
    ],
)
def test_date_formats(text, expected):
    assert parse_date(text) == expected


def test_ambiguous_date_is_refused():
    with pytest.raises(ValueError, match="ambiguous"):
        parse_date("03/04/2026")


def test_charter_page_with_time_macro_and_entities():
    xhtml = page({"Budget": "€250,000", "Start date": '<time datetime="2026-01-05" />', "End date": "30 June 2026"})
    assert parse_charter(xhtml, "Apollo charter").bac == 250_000
    budget = parse_charter(xhtml, "Apollo charter")
    assert (budget.currency, budget.start, budget.end) == ("EUR", date(2026, 1, 5), date(2026, 6, 30))


def test_charter_reports_every_unreadable_field_with_page_and_field():
    xhtml = page({"Budget": "lots", "Currency": "EUR", "Start date": "soon", "End date": "2026-06-30"})
    with pytest.raises(CharterError) as err:
        parse_charter(xhtml, "Borealis charter")
    text = str(err.value)
    assert "page 'Borealis charter' field 'Budget'" in text
    assert "page 'Borealis charter' field 'Start date'" in text


def test_currency_from_separate_row_and_conflict():
    ok = page({"Budget": "180.000", "Currency": "EUR", "Start date": "2026-01-05", "End date": "2026-03-01"})
    assert parse_charter(ok, "p").bac == 180_000
    clash = page({"Budget": "$180,000", "Currency": "EUR", "Start date": "2026-01-05", "End date": "2026-03-01"})
    with pytest.raises(CharterError, match="differs"):
        parse_charter(clash, "p")


def test_entity_expansion_and_dtd_are_refused():
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaa">]><p>&a;</p>'
    with pytest.raises(CharterError, match=r"not well-formed|DTD"):
        parse_charter(bomb, "evil")


def test_planned_sprints_make_a_sprint_planned_release_and_a_bad_count_is_refused():
    rows = {"Budget": "€500,000", "Start date": "2024-01-01", "End date": "2024-05-20"}
    assert parse_charter(page(rows), "R").planned_sprints is None
    assert parse_charter(page({**rows, "Planned sprints": "10"}), "R").planned_sprints == 10
    with pytest.raises(CharterError, match="'Planned sprints': 'ten' is not a whole number"):
        parse_charter(page({**rows, "Planned sprints": "ten"}), "R")
