"""The competency matrix's filter form."""
from wtforms import SelectField, SubmitField

from core.forms import Form
from modules.completion import ModuleState


class MatrixFilterForm(Form):
    """The competency matrix's filters: a GET form, so a filtered matrix has an address to share or bookmark."""

    class Meta:
        csrf = False

    run = SelectField("Course run", default="")
    state = SelectField("Members with a module that is", default="",
                        choices=[("", "Any state")] + [(state.name, state.value) for state in ModuleState])
    submit = SubmitField("Show")

    def __init__(self, formdata, runs, **kwargs):
        super().__init__(formdata, **kwargs)
        self.runs = {str(run.id): run for run in runs}
        self.run.choices = [("", "All courses")] + [(key, run.name) for key, run in self.runs.items()]

    @property
    def chosen_run(self):
        return self.runs.get(self.run.data)

    @property
    def chosen_state(self) -> ModuleState | None:
        return ModuleState[self.state.data] if self.state.data else None
