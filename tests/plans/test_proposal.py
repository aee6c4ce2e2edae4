"""The suggestion rules (plans/proposal.py), table-driven: plain values in, the proposed plan and its reasons out."""
from datetime import date, timedelta

import pytest

from plans.proposal import RunOption, Stress, Topic, choose_run, propose, propose_package, topic_needs

TODAY = date(2027, 1, 4)
TOPICS = [Topic("appeals", "Appeals", ("appeals-law",)), Topic("ccrc", "The CCRC", ("ccrc-applications", "appeals-law")),
          Topic("intake", "Intake", ("intake-eligibility",)), Topic("team", "Team", ("team-management",))]


@pytest.mark.parametrize("ratings, stresses, expected", [
    # nothing below 4 and nothing stressed: no topic needs work
    ({"appeals": 4, "ccrc": 5, "intake": 4, "team": 5}, [], []),
    # rated 3 or less needs work; lower ratings first
    ({"appeals": 3, "ccrc": 1, "intake": 2, "team": 5}, [], [("ccrc", 4), ("intake", 3), ("appeals", 2)]),
    # equal urgency keeps the questionnaire's order
    ({"appeals": 2, "ccrc": 2, "intake": 2, "team": 2}, [], [("appeals", 3), ("ccrc", 3), ("intake", 3), ("team", 3)]),
    # a stress adds one: rated 4 and stressed needs work; two stresses add two
    ({"appeals": 4, "ccrc": 5, "intake": 4, "team": 3},
     [Stress("intake", "setting up"), Stress("team", "growing"), Stress("team", "over 40")],
     [("team", 4), ("intake", 2)]),
    # the same answer twice counts once
    ({"appeals": 4, "ccrc": 5, "intake": 5, "team": 5}, [Stress("appeals", "x"), Stress("appeals", "x")],
     [("appeals", 2)]),
    # a topic not rated (added to the file later) is left alone
    ({"appeals": 1}, [Stress("team", "growing")], [("appeals", 4)]),
])
def test_which_topics_need_work_and_in_what_order(ratings, stresses, expected):
    assert [(need.topic.key, need.urgency) for need in topic_needs(TOPICS, ratings, stresses)] == expected


def _run(run_id, slug, days, holds_seat=False, is_open=False):
    return RunOption(run_id, f"Run {run_id}", {slug: TODAY + timedelta(days=days)}, TODAY + timedelta(days=days),
                     holds_seat, is_open)


@pytest.mark.parametrize("runs, expected", [
    ([], None),
    ([_run(1, "appeals-law", 10)], None),                                  # neither held nor open
    ([_run(1, "appeals-law", 10, is_open=True), _run(2, "appeals-law", 5, is_open=True)], 2),   # earliest open
    ([_run(1, "appeals-law", 5, is_open=True), _run(2, "appeals-law", 30, holds_seat=True)], 2),  # a seat first
    ([_run(1, "ccrc-applications", 5, is_open=True)], None),               # teaches something else
])
def test_existing_runs_first_then_open_ones_else_none(runs, expected):
    chosen = choose_run("appeals-law", runs)
    assert (chosen.run_id if chosen else None) == expected


def test_modules_follow_urgency_once_each_with_runs_dates_and_reasons():
    runs = [_run(7, "ccrc-applications", 20, holds_seat=True), _run(8, "intake-eligibility", 12, is_open=True)]
    proposal = propose(TOPICS, {"appeals": 3, "ccrc": 1, "intake": 2, "team": 5},
                       [Stress("intake", "you answered “Setting up”")], runs, complete=set(), today=TODAY)
    assert [(m.module_slug, m.run_id, m.target_on) for m in proposal.modules] == [
        ("ccrc-applications", 7, TODAY + timedelta(days=20)),
        ("appeals-law", None, TODAY + timedelta(weeks=4)),        # brought by the CCRC topic, not again by appeals
        ("intake-eligibility", 8, TODAY + timedelta(days=12)),
    ]
    ccrc, appeals, intake = proposal.modules
    assert ccrc.reason == "You rated The CCRC 1 of 5. Through Run 7, where you hold a seat."
    assert appeals.asks_for_run and appeals.reason.endswith("No run teaching it is open now: ask for a run.")
    assert intake.reason == ("You rated Intake 2 of 5; more urgent because you answered “Setting up”. "
                             "Through Run 8, the earliest run with enrolment open.")


def test_modules_already_complete_are_left_out_and_self_paced_targets_are_four_weeks_apart():
    proposal = propose(TOPICS, {"appeals": 1, "ccrc": 1, "intake": 1, "team": 1}, [], [],
                       complete={"ccrc-applications"}, today=TODAY)
    assert [m.module_slug for m in proposal.modules] == ["appeals-law", "intake-eligibility", "team-management"]
    assert [m.target_on for m in proposal.modules] == [TODAY + timedelta(weeks=n) for n in (4, 8, 12)]
    assert proposal.left_out == [("ccrc-applications", "You have already completed it.")]


@pytest.mark.parametrize("ratings, expected", [
    ({"appeals": 5, "ccrc": 5, "intake": 5, "team": 5}, None),
    ({"appeals": 3, "ccrc": 4, "intake": 5, "team": 5}, (2, 2, ("appeals",))),
    ({"appeals": 2, "ccrc": 3, "intake": 5, "team": 5}, (4, 2, ("appeals", "ccrc"))),
    ({"appeals": 2, "ccrc": 3, "intake": 1, "team": 2}, (6, 1, ("intake", "appeals", "team"))),  # at most three
])
def test_the_mentoring_package_follows_the_weakest_topics(ratings, expected):
    package = propose_package(topic_needs(TOPICS, ratings, []))
    assert (package and (package.sessions, package.every_weeks, package.topic_keys)) == expected


def test_the_package_says_why():
    package = propose_package(topic_needs(TOPICS, {"appeals": 2, "ccrc": 1, "intake": 4, "team": 4}, []))
    assert package.reason == ("4 sessions, 2 on each of your most urgent topics: The CCRC (1 of 5), Appeals (2 of 5); "
                              "every week, because you rated a topic 1 of 5.")
