"""The needs-assessment form, built from the questionnaire's rows (content), and the plan's forms."""
import secrets

from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from core.forms import Form, IntegerField, MultiCheckboxField
from plans.models import AssessmentQuestion, QuestionKind

TEXT_LIMIT = 2000


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


class ChoiceField(RadioField):
    """Radio buttons; no choice at all gets `message` (or passes, when not required) instead of "Not a valid choice"."""

    def __init__(self, label=None, validators=None, required=True, message="Choose one of the options.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required, self.message = required, message

    def pre_validate(self, form):
        if not self.process_errors and self.data in (None, ""):
            raise StopValidation(self.message if self.required else None)
        super().pre_validate(form)


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
