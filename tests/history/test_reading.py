"""How the history lines about a case's basis and mandates read, those written before included."""

from requests_app.history import reading


def test_the_history_of_a_case_on_both_bases_reads_in_words():
    line = reading.details_text(
        "registered",
        {"origin": "government", "authority": "foreign_minister", "basis": "both", "mandates": ["S/RES/2734 (2024)"]},
    )
    assert line == (
        "basis: Request and mandate; origin: Written request from the government; "
        "authority: Minister for Foreign Affairs; mandates: S/RES/2734 (2024)"
    )
    assert str(reading.action_label("mandate_renewed")) == "Mandate renewed: the case rests on the renewal"
    renewed = reading.details_text(
        "mandate_renewed",
        {
            "mandate": "S/RES/2700 (2025)",
            "renewal": "S/RES/2780 (2026)",
            "organ": "security_council",
            "expires_on": "2026-12-31",
        },
    )
    assert renewed == (
        "mandate: S/RES/2700 (2025); renewed by: S/RES/2780 (2026); organ: Security Council; expires on: 31 Dec 2026"
    )


def test_lines_written_when_a_mandate_was_an_origin_still_read():
    old = reading.details_text("registered", {"origin": "security_council", "authority": "un_organ"})
    assert old == "origin: Security Council mandate; authority: Security Council or General Assembly"
    carried = reading.details_text(
        "mandate_linked",
        {
            "mandate": "A/RES/78/123",
            "basis": "mandate",
            "carried_over": {
                "origin": "general_assembly",
                "mandate_symbol": "A/RES/78/123",
                "authority": "un_organ",
                "requesting_authority": "General Assembly",
            },
        },
    )
    assert carried == (
        "basis: Mandate; mandate: A/RES/78/123; recorded before as: origin General Assembly mandate, "
        "mandate resolution A/RES/78/123, authority Security Council or General Assembly, "
        "requesting authority General Assembly"
    )
