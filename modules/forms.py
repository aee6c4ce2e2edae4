from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange


class MarkForm(FlaskForm):
    score = DecimalField("Score", places=2, validators=[InputRequired(message="Enter a score.")])
    comment = TextAreaField("Comment to the trainee", validators=[Length(max=5000)],
                            description="Say what earned the marks and what was missing, against the rubric.")
    submit = SubmitField("Save mark")

    def __init__(self, points: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.score.validators = [*self.score.validators, NumberRange(
            min=0, max=points, message=f"Give a score from 0 to {points}.")]
        self.score.description = f"From 0 to {points}."


class AdjustmentForm(FlaskForm):
    extra_minutes = IntegerField("Extra minutes per attempt", default=0, validators=[
        InputRequired(message="Enter a number of minutes (0 for none)."),
        NumberRange(min=0, max=600, message="Enter from 0 to 600 minutes.")])
    extra_attempts = IntegerField("Extra attempts", default=0, validators=[
        InputRequired(message="Enter a number of attempts (0 for none)."),
        NumberRange(min=0, max=20, message="Enter from 0 to 20 attempts.")])
    submit = SubmitField("Save adjustments")
