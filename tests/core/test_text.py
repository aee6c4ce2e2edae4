import pytest

from core.text import quantity, seats_left


@pytest.mark.parametrize("count, words, expected", [
    (0, ("member",), "0 members"), (1, ("member",), "1 member"), (2, ("member",), "2 members"),
    (1, ("person", "people"), "1 person"), (12, ("person", "people"), "12 people"), (1, ("try", "tries"), "1 try"),
])
def test_the_noun_agrees_with_the_number(count, words, expected):
    assert quantity(count, *words) == expected


@pytest.mark.parametrize("capacity, taken, expected", [
    (12, 0, "12 of 12 seats left"), (1, 0, "1 of 1 seat left"), (10, 9, "1 of 10 seats left"),
    (10, 10, "Full — waitlist open"), (10, 11, "Full — waitlist open"),
])
def test_seats_left(capacity, taken, expected):
    assert seats_left(capacity, taken) == expected


def test_a_page_says_seats_left_without_a_stray_space(client, make_run):
    run = make_run(capacity=12)
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert "12 of 12 seats left" in page and "seats left ." not in page
