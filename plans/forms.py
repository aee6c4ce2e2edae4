"""The needs-assessment form, built from the questionnaire's rows (content), and the plan's forms."""
import secrets

from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.forms import ChoiceField, DateField, Form, IdSelectField, IntegerField, MultiCheckboxField
from plans.models import AssessmentQuestion, QuestionKind

TEXT_LIMIT = 2000
#: the most sessions one package books (the series booking's own limit)
MAX_PACKAGE = 12


class AssessmentForm(Form):
    """One field per question, named `q_<key>`; see `assessment_form`."""

    #: one per rendered form: a resubmission (double click, retry) finds the assessment it already saved
    request_key = HiddenField(default=lambda: secrets.token_urlsafe(24), validators=[
        Length(max=64, message="This form is out of date: reload the page and answer again.")])
    submit = SubmitField("Save my answers")

    questions: list[AssessmentQuestion] = []

    def fields_of(self, kind: QuestionKind):
        return [self[f"q_{question.key}"] for question in self.questions if question.kind == kind.value]

    @property
    def answers(self) -> dict:
        return {q.key: self[f"q_{q.key}"].data for q in self.questions
                if not q.is_topic and self[f"q_{q.key}"].data not in (None, "", [])}

    @property
    def ratings(self) -> dict:
        return {q.key: self[f"q_{q.key}"].data for q in self.questions if q.is_topic}


def _field(question: AssessmentQuestion):
    required = [InputRequired(message="Answer this question.")] if question.is_required else [Optional()]
    choices = [(str(option["value"]), option["label"]) for option in question.options]
    common = {"label": question.prompt, "description": question.hint or None}
    if question.kind == QuestionKind.CHOICE.value:
        return ChoiceField(choices=choices, required=question.is_required, **common)
    if question.kind == QuestionKind.MULTIPLE.value:
        validators = [InputRequired(message="Choose at least one.")] if question.is_required else []
        return MultiCheckboxField(choices=choices, coerce=str, validators=validators, **common)
    if question.kind == QuestionKind.NUMBER.value:
        bounds = f"Enter a whole number from {question.minimum} to {question.maximum}."
        return IntegerField(validators=[*required, NumberRange(question.minimum, question.maximum, message=bounds)],
                            **common)
    if question.kind == QuestionKind.TOPIC.value:
        return ChoiceField(choices=[(option["value"], option["label"]) for option in question.options], coerce=int,
                           message="Rate your confidence in this topic.", **common)
    return TextAreaField(validators=[Optional(), Length(max=TEXT_LIMIT, message=f"Keep this under {TEXT_LIMIT} "
                                                                                "characters.")], **common)


def assessment_form(questions: list[AssessmentQuestion], formdata=None, previous: dict | None = None) -> AssessmentForm:
    """The form for the live questions, filled with `previous` answers (the last assessment) when given."""
    form_class = type("LiveAssessmentForm", (AssessmentForm,), {f"q_{q.key}": _field(q) for q in questions})
    form = form_class(formdata, data={f"q_{key}": value for key, value in (previous or {}).items()})
    form.questions = questions
    return form


class StepForm(Form):
    """Add a step: a module from the catalogue, or a goal or action point in the person's own words."""

    kind = SelectField("Kind of step", choices=[("module", "A module"), ("goal", "A goal"),
                                                ("action", "An action point")], default="goal")
    module_id = IdSelectField("Module", default=0, description="For a module step.")
    title = StringField("Goal or action point", validators=[Length(max=200, message="Keep it under 200 characters.")],
                        description="For a goal or an action point, e.g. “Open the project to applications”.")
    success_criteria = TextAreaField("Success criteria", validators=[Length(max=2000)],
                                     description="For a goal: how you will both know it is met.")
    target_on = DateField("Target date", validators=[Optional()])
    submit = SubmitField("Add the step")

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.module_id.choices = [(0, "Choose a module")] + [(m.id, m.title) for m in modules]

    def validate_module_id(self, field):
        if self.kind.data == "module" and not field.data:
            raise ValidationError("Choose the module to add.")

    def validate_title(self, field):
        if self.kind.data != "module" and not field.data.strip():
            raise ValidationError("Say what the goal or action point is.")


class EditStepForm(Form):
    target_on = DateField("Target date", validators=[Optional()])
    run_id = IdSelectField("Run", default=0)
    title = StringField("Goal or action point", validators=[Length(max=200, message="Keep it under 200 characters.")])
    success_criteria = TextAreaField("Success criteria", validators=[Length(max=2000)])
    submit = SubmitField("Save the step")

    def __init__(self, *args, item=None, runs=(), **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None and item.module_id is not None:
            del self.title, self.success_criteria
            self.run_id.choices = [(0, "No run: ask for one")] + [(run.id, run.name) for run in runs]
        else:
            del self.run_id

    def validate_title(self, field):
        if not field.data.strip():
            raise ValidationError("Say what the goal or action point is.")


class MoveForm(Form):
    direction = SelectField(choices=[("up", "Up"), ("down", "Down")])


class DoneForm(Form):
    done = SelectField(choices=[("1", "Done"), ("0", "Open")])


class PackageForm(Form):
    sessions = IntegerField("Number of sessions", validators=[
        InputRequired(message="Enter how many sessions (0 for no package)."),
        NumberRange(min=0, max=MAX_PACKAGE, message=f"A package has from 0 to {MAX_PACKAGE} sessions.")])
    every_weeks = IdSelectField("One every", choices=[(1, "week"), (2, "2 weeks"), (3, "3 weeks"), (4, "4 weeks")])
    minutes = IdSelectField("Session length", choices=[(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"),
                                                      (90, "1½ hours")])
    mentor_id = IdSelectField("Mentor", default=0)
    submit = SubmitField("Save the package")

    def __init__(self, *args, mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor_id.choices = [(0, "Not chosen yet")] + [(m.id, m.display_name) for m in mentors]



class PackageBookingForm(Form):
    #: one per rendered form: a resubmission finds the series it already booked
    request_key = HiddenField(default=lambda: secrets.token_urlsafe(24), validators=[
        Length(max=64, message="This form is out of date: reload the page and book again.")])
    start = HiddenField()
    submit = SubmitField("Book the package")

    def validate_start(self, field):
        if not field.data:
            raise ValidationError("Choose the time of the first session.")


class SessionGoalsForm(Form):
    """After a session of the plan: tick goals and action points off, and add new action points."""

    done = MultiCheckboxField("Ticked off in this session")
    new_actions = TextAreaField("New action points", validators=[Length(max=2000)],
                                description="One a line; each becomes a step of the plan.")
    submit = SubmitField("Save to the plan")

    def __init__(self, *args, open_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.done.choices = [(item.id, f"{item.kind.value}: {item.title}") for item in open_items]

    @property
    def action_lines(self) -> list[str]:
        return list(dict.fromkeys(line.strip()[:200] for line in self.new_actions.data.splitlines() if line.strip()))
