from flask import render_template, request
from flask_login import current_user

from search.engine import search
from search.forms import SearchForm


def show_results():
    form = SearchForm(request.args)
    if not form.validate():
        return render_template("search/show_results.html", form=form, results=None), 400
    results = None
    if form.q.data.strip():
        results = search(form.q.data, current_user, form.chosen_section, request.args.get("page", 1, type=int))
    return render_template("search/show_results.html", form=form, results=results)
