"""Settings from the environment: defaults, the kept secret key, refused values."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from settings import ConfigError, Settings, load_settings


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings({})
    assert settings.var_dir == tmp_path / "var"
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'udkast.db'}"
    assert settings.redis_url is None
    assert settings.theme == "default"
    assert settings.max_content_length == 2 * 1024 * 1024
    assert (settings.build_attempts, settings.soft_time_limit, settings.hard_time_limit) == (
        3,
        60,
        90,
    )
    assert settings.stale_after > settings.hard_time_limit
    assert settings.piece_helpers == 4


def test_reading_the_settings_creates_nothing(tmp_path):
    settings = load_settings({"UDKAST_VAR_DIR": str(tmp_path / "v")})

    assert settings.var_dir == tmp_path / "v"
    assert list(tmp_path.iterdir()) == []


def test_the_generated_secret_key_survives_a_restart(tmp_path):
    env = {"UDKAST_VAR_DIR": str(tmp_path / "v")}
    first = load_settings(env)
    assert len(first.secret_key) == 64
    assert load_settings(env).secret_key == first.secret_key
    assert (tmp_path / "v" / "secret_key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "v").stat().st_mode & 0o777 == 0o700
    chosen = "chosen-by-the-operator"
    assert load_settings({**env, "UDKAST_SECRET_KEY": chosen}).secret_key == chosen


def test_values_from_the_environment(tmp_path):
    settings = load_settings(
        {
            "UDKAST_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://u@db/udkast",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "UDKAST_THEME": "default",  # the one installed theme
            "MAX_CONTENT_LENGTH": "1000",
            "UDKAST_BUILD_ATTEMPTS": "5",
            "UDKAST_SOFT_TIME_LIMIT": "10",
            "UDKAST_HARD_TIME_LIMIT": "20",
            "UDKAST_STALE_AFTER": "30",
            "UDKAST_PIECE_HELPERS": "0",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@db/udkast"
    assert (settings.redis_url, settings.theme, settings.max_content_length) == (
        "redis://127.0.0.1:6379/0",
        "default",
        1000,
    )
    assert (settings.build_attempts, settings.soft_time_limit, settings.hard_time_limit) == (
        5,
        10,
        20,
    )
    assert (settings.stale_after, settings.piece_helpers) == (30, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.theme = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAX_CONTENT_LENGTH", "lots", "whole number"),
        ("UDKAST_BUILD_ATTEMPTS", "0", "above 0"),
        ("UDKAST_HARD_TIME_LIMIT", "30", "must be above UDKAST_SOFT_TIME_LIMIT"),
        ("UDKAST_STALE_AFTER", "8", "at least 15"),
        ("UDKAST_PROXY_COUNT", "-1", "0 or more"),
        ("UDKAST_RENDER_MEMORY", "0", "above 0"),
        ("UDKAST_PIECE_HELPERS", "17", "at most 16"),
        ("UDKAST_PIECE_HELPERS", "two", "0 or more"),
    ],
)
def test_unusable_values_are_refused(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({"UDKAST_VAR_DIR": str(tmp_path), name: value})


@pytest.mark.parametrize("theme", ["../etc", "stad", "Default", "default/..", " default"])
def test_a_theme_that_is_not_installed_is_refused_at_start(tmp_path, theme):
    with pytest.raises(ConfigError) as refused:
        load_settings({"UDKAST_VAR_DIR": str(tmp_path), "UDKAST_THEME": theme})
    message = str(refused.value)
    assert message.startswith("UDKAST_THEME names no installed theme: ")
    assert repr(theme) in message and "installed: default, kommune" in message


def test_every_setting_is_documented():
    text = inspect.getsource(Settings)
    for field in dataclasses.fields(Settings):
        assert f"    {field.name}:" in text, field.name
        before = text.split(f"    {field.name}:")[0].rstrip().splitlines()[-1]
        assert before.strip().startswith("#"), f"{field.name} has no comment"


def test_secure_cookies_is_a_flag_that_refuses_nonsense(tmp_path):
    base = {"UDKAST_VAR_DIR": str(tmp_path), "UDKAST_SECRET_KEY": "k"}
    assert load_settings(base).secure_cookies is False
    assert load_settings({**base, "UDKAST_SECURE_COOKIES": "true"}).secure_cookies is True
    with pytest.raises(ConfigError, match="UDKAST_SECURE_COOKIES"):
        load_settings({**base, "UDKAST_SECURE_COOKIES": "maybe"})
