"""The rules that propose a learning plan from a needs assessment: plain functions of plain values, no black box.

1. **Urgency.** A topic's urgency is 5 minus its confidence rating (1 to 5), plus one for each answer that
   stresses it (a project *setting up* stresses intake, data protection and protocols; see
   content/assessment.yaml). A topic needs work when its urgency is 2 or more: rated 3 or less, or rated 4
   and stressed.
2. **Order.** Most urgent first; equal urgency in the questionnaire's order (the order a newcomer learns in).
3. **Modules.** Each topic that needs work brings its modules, in the order the file lists them; a module
   already complete, or already brought by a more urgent topic, is not added again.
4. **Runs.** Existing runs first: a run the person already holds a seat in that teaches the module and has
   not ended; else the earliest run teaching it whose enrolment is open with a seat left; else none, and the
   item says "ask for a run".
5. **Target dates.** Through a run, the day the module is due in it (a workshop's day; the end of the module's
   week in a multi-week course). Without a run, every fourth week from today, one module at a time.
6. **Mentoring package.** On the (up to) three most urgent topics: two sessions per topic, weekly when a topic
   is rated 1, else every two weeks; no package when no topic needs work.

Every proposed item carries the reason, in words, that the plan page shows beside it.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

NEEDS_WORK = 2
PACKAGE_TOPICS = 3
SESSIONS_PER_TOPIC = 2
SELF_PACED_WEEKS = 4


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    module_slugs: tuple[str, ...]


@dataclass(frozen=True)
class Stress:
    """An answer that makes a topic more urgent: `because` is its wording ("your project is: Setting up")."""

    topic_key: str
    because: str


@dataclass(frozen=True)
class RunOption:
    run_id: int
    name: str
    #: module slug -> the day the module is due in this run
    due_on: dict[str, date]
    ends_on: date
    holds_seat: bool = False
    is_open: bool = False


@dataclass(frozen=True)
class TopicNeed:
    topic: Topic
    rating: int
    urgency: int
    stresses: tuple[str, ...] = ()

    def why(self) -> str:
        reason = f"You rated {self.topic.title} {self.rating} of 5"
        if self.stresses:
            reason += "; more urgent because " + " and ".join(self.stresses)
        return reason + "."


@dataclass(frozen=True)
class ProposedModule:
    module_slug: str
    topic_key: str
    run_id: int | None
    target_on: date
    reason: str

    @property
    def asks_for_run(self) -> bool:
        return self.run_id is None


@dataclass(frozen=True)
class ProposedPackage:
    sessions: int
    every_weeks: int
    topic_keys: tuple[str, ...]
    reason: str


@dataclass
class Proposal:
    needs: list[TopicNeed] = field(default_factory=list)
    modules: list[ProposedModule] = field(default_factory=list)
    package: ProposedPackage | None = None
    #: (module slug, why it was left out)
    left_out: list[tuple[str, str]] = field(default_factory=list)


def topic_needs(topics: list[Topic], ratings: dict[str, int], stresses: list[Stress]) -> list[TopicNeed]:
    """Rules 1 and 2: the topics that need work, most urgent first (ties in questionnaire order)."""
    needs = []
    for position, topic in enumerate(topics):
        rating = ratings.get(topic.key)
        if rating is None:
            continue
        because = tuple(dict.fromkeys(s.because for s in stresses if s.topic_key == topic.key))
        urgency = 5 - rating + len(because)
        if urgency >= NEEDS_WORK:
            needs.append((-urgency, position, TopicNeed(topic, rating, urgency, because)))
    return [need for _, _, need in sorted(needs, key=lambda item: item[:2])]


def choose_run(module_slug: str, runs: list[RunOption]) -> RunOption | None:
    """Rule 4: a run the person holds a seat in first, else the earliest open one; None when no run fits."""
    teaching = sorted((run for run in runs if module_slug in run.due_on), key=lambda run: run.due_on[module_slug])
    return (next((run for run in teaching if run.holds_seat), None)
            or next((run for run in teaching if run.is_open), None))


def propose(topics: list[Topic], ratings: dict[str, int], stresses: list[Stress], runs: list[RunOption],
            complete: set[str], today: date) -> Proposal:
    """The whole proposal (rules 1 to 6) for one assessment; `complete` holds the slugs of modules already done."""
    proposal = Proposal(needs=topic_needs(topics, ratings, stresses))
    seen: set[str] = set()
    self_paced = 0
    for need in proposal.needs:
        for slug in need.topic.module_slugs:
            if slug in seen:
                continue
            seen.add(slug)
            if slug in complete:
                proposal.left_out.append((slug, "You have already completed it."))
                continue
            run = choose_run(slug, runs)
            if run is None:
                self_paced += 1
                target = today + timedelta(weeks=SELF_PACED_WEEKS * self_paced)
                where = "No run teaching it is open now: ask for a run."
            else:
                target = run.due_on[slug]
                where = f"Through {run.name}" + (", where you hold a seat." if run.holds_seat else
                                                 ", the earliest run with enrolment open.")
            proposal.modules.append(ProposedModule(slug, need.topic.key, run.run_id if run else None, target,
                                                   f"{need.why()} {where}"))
    proposal.package = propose_package(proposal.needs)
    return proposal


def propose_package(needs: list[TopicNeed]) -> ProposedPackage | None:
    """Rule 6: the mentoring package follows the weakest topics."""
    chosen = needs[:PACKAGE_TOPICS]
    if not chosen:
        return None
    weekly = any(need.rating == 1 for need in chosen)
    sessions = SESSIONS_PER_TOPIC * len(chosen)
    listed = ", ".join(f"{need.topic.title} ({need.rating} of 5)" for need in chosen)
    cadence = "every week, because you rated a topic 1 of 5" if weekly else "every two weeks"
    return ProposedPackage(sessions, 1 if weekly else 2, tuple(need.topic.key for need in chosen),
                           f"{sessions} sessions, {SESSIONS_PER_TOPIC} on each of your most urgent topics: {listed}; "
                           f"{cadence}.")
