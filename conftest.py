"""Options for the whole suite (the cast of people lives in src/casereview/conftest.py)."""


def pytest_addoption(parser):
    parser.addoption(
        "--only-db",
        action="store_true",
        help="Run only the tests that use the database (script/test's PostgreSQL pass).",
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--only-db"):
        return
    keep, drop = [], []
    for item in items:
        if item.get_closest_marker("heavy"):
            drop.append(item)  # heavy checks run once, in the SQLite pass
            continue
        uses_db = bool(
            {"db", "transactional_db", "django_db_setup"} & set(getattr(item, "fixturenames", ()))
        ) or item.get_closest_marker("django_db")
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
