"""`safe_redirect_target`: a ?next= or next_url is followed only when it is a path on this site."""
import pytest

from core.web import local_path, safe_redirect_target
from tests.conftest import TEST_PASSWORD

DEFAULT = "/dashboard"

#: each of these reaches another site (or runs script) in some browser, proxy or URL parser
BYPASSES = [
    "//evil.example", "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", " //evil.example",
    "/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example", "/%0D%0ASet-Cookie:a=b",
    "%2f%2fevil.example", "/%2fevil.example", "/%2F/evil.example", "/%5cevil.example", "/%5Cevil.example",
    "%5c%5cevil.example", "/%252f/evil.example", "/%25%32%66/evil.example",
    "https://evil.example", "http://localhost/dashboard", "https://casework.example.org/runs/1", "HTTPS:evil.example",
    "//localhost/dashboard", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "evil.example", "runs/1", "",
    "/\u3000/evil.example", "/\u2028/evil.example", "/\uff0fevil.example", "\uff0f\uff0fevil.example",
    "/\u2215evil.example", "/%ef%bc%8f%ef%bc%8fevil.example", "%EF%BC%8F%EF%BC%8Fevil.example", "/\x00/evil.example", "/\x7f/evil.example", "/\\t/evil.example",
]

KEPT = ["/runs/3?tab=x", "/modules/a-b#c", "/", "/admin/users?q=Jane%20Doe&page=2", "/verify/ABCD-EFGH",
        "/runs/3/enrol-members?next=%2Fdashboard"]


@pytest.mark.parametrize("target", BYPASSES)
def test_a_target_off_this_site_falls_back_to_the_default(target):
    assert safe_redirect_target(target, DEFAULT) == DEFAULT


@pytest.mark.parametrize("target", KEPT)
def test_a_path_on_this_site_is_kept(target):
    assert safe_redirect_target(target, DEFAULT) == target


def test_none_falls_back_to_the_default():
    assert safe_redirect_target(None, DEFAULT) == DEFAULT
    assert local_path(None) is None


def test_a_tab_in_next_after_signing_in_does_not_send_the_user_to_another_site(client, make_user):
    user = make_user("trainee")
    response = client.post("/sign-in?next=/%09/evil.example", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code in (302, 400)
    assert "evil.example" not in response.headers.get("Location", "")


def test_next_url_in_a_form_body_is_checked_the_same_way(client, login_as, make_user, make_run, enrol):
    trainee = make_user("trainee")
    enrolment = enrol(make_run(), trainee)
    login_as(trainee)
    response = client.post(f"/enrolments/{enrolment.id}/withdraw", data={"next_url": "/\t/evil.example"})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]
