from accounts.models import User


def test_create_admin_makes_an_account_that_can_sign_in(runner, client, db):
    result = runner.invoke(args=["accounts", "create-admin", "Boss@Example.org", "--name", "The Boss"],
                           input="first admin password\nfirst admin password\n")
    assert result.exit_code == 0, result.output
    user = User.find_by_email("boss@example.org")
    assert user.is_admin and user.display_name == "The Boss"
    assert client.post("/sign-in", data={"email": "boss@example.org", "password": "first admin password"}).status_code == 302


def test_create_admin_promotes_an_existing_account(runner, db, make_user):
    user = make_user("mentor", email="m@example.org")
    result = runner.invoke(args=["accounts", "create-admin", "m@example.org", "--name", "M", "--password", "a new long password"])
    assert result.exit_code == 0
    db.session.refresh(user)
    assert user.is_admin and user.is_mentor and user.check_password("a new long password")


def test_create_admin_refuses_a_short_password(runner, db):
    result = runner.invoke(args=["accounts", "create-admin", "x@example.org", "--name", "X", "--password", "short"])
    assert result.exit_code == 1 and "at least 10 characters" in result.output
    assert User.find_by_email("x@example.org") is None
