"""The time-zone select: every zone an option, the chosen one marked, built once per zone and process."""
import re

from core import timezones
from core.timezones import timezone_choices, zone_options


def test_every_zone_is_an_option_shown_with_spaces_and_only_the_chosen_one_is_selected():
    html = zone_options("America/New_York")
    assert re.findall(r'<option value="([^"]+)"', html) == timezone_choices()
    assert html.count(" selected") == 1
    assert '<option value="America/New_York" selected>America/New York</option>' in html
    assert '<option value="America/Los_Angeles">America/Los Angeles</option>' in html
    assert zone_options("America/New_York") is html


def test_a_value_that_is_not_a_zone_selects_nothing():
    for value in (None, "", "Mars/Base", "Europe/London\x00", "europe/london"):
        assert " selected" not in zone_options(value), value
    assert zone_options("Mars/Base") is zone_options(None)


def test_zone_names_are_escaped(monkeypatch):
    odd = 'Odd/"A"&<B>_C'
    monkeypatch.setattr(timezones, "timezone_choices", lambda: [odd])
    timezones._zone_options.cache_clear()
    try:
        html = zone_options(odd)
    finally:
        timezones._zone_options.cache_clear()
    assert html == '<option value="Odd/&#34;A&#34;&amp;&lt;B&gt;_C" selected>Odd/&#34;A&#34;&amp;&lt;B&gt; C</option>'


def test_a_form_marks_the_zone_it_holds_and_none_after_a_refused_one(db, client, login_as, make_user):
    person = make_user("trainee")
    person.timezone = "Asia/Kolkata"
    db.session.commit()
    login_as(person)
    page = client.get("/profile").text
    select = re.search(r"<select [^>]*name=\"timezone\"[^>]*>.*?</select>", page, re.S).group(0)
    assert 'data-zone-search' in select and 'id="timezone"' in select and 'class="form-select' in select
    assert select.count(" selected") == 1 and '<option value="Asia/Kolkata" selected>Asia/Kolkata</option>' in select
    refused = client.post("/profile", data={"display_name": "Someone", "timezone": "Mars/Olympus"}).text
    assert "Choose a time zone from the list." in refused
    select = re.search(r"<select [^>]*name=\"timezone\"[^>]*>.*?</select>", refused, re.S).group(0)
    assert " selected" not in select and select.count("<option ") == len(timezone_choices())
