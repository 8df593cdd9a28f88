"""YAML bombs: a few hundred bytes of nested aliases are refused while the document is read,
before anything is built from it, with a message naming the limit — in every place a
regulation's YAML enters (import, editing, the projection's draft, the development hand-off)."""

from __future__ import annotations

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import translation

import kongtun.regulations.engine.loader as loader
from kongtun.regulations.engine import (
    YAML_LIMITS,
    RegulationFormatError,
    load_regulation,
    safe_compose,
)
from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR
from kongtun.regulations.engine.render import render_error


def bomb(levels: int = 7) -> str:
    """Ten references per level: ``levels`` = 7 is 330 bytes and ten million values."""
    lines = ["a0: &a0 [x,x,x,x,x,x,x,x,x,x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def counted(monkeypatch):
    """Counts the nodes PyYAML composes from the text, and fails if anything is built from the
    document (Python values, the path walk, validation)."""
    calls = {"composed": 0}
    compose = yaml.composer.Composer.compose_node

    def counting(self, parent, index):
        calls["composed"] += 1
        return compose(self, parent, index)

    def never(*args, **kwargs):
        raise AssertionError("the document was expanded")

    monkeypatch.setattr(yaml.composer.Composer, "compose_node", counting)
    monkeypatch.setattr(loader._Loader, "construct_document", never)
    monkeypatch.setattr(loader, "_walk_nodes", never)
    monkeypatch.setattr(loader, "_from_data", never)
    return calls


def test_the_330_byte_billion_laughs_is_refused_before_it_is_expanded(counted):
    text = bomb(7)
    assert len(text.encode()) == 330
    with pytest.raises(RegulationFormatError) as exc:
        load_regulation(text)
    (error,) = exc.value.errors
    assert error.code == "yaml_too_many_nodes"
    assert error.params == {"limit": YAML_LIMITS.max_nodes}
    # only the nodes written in the text were composed (7 sequences, 10 items each, 7 keys,
    # the root), never their expansion
    assert counted["composed"] <= 90


def test_a_deeper_bomb_costs_no_more(counted):
    with pytest.raises(RegulationFormatError) as exc:
        load_regulation(bomb(40))
    assert exc.value.errors[0].code == "yaml_too_many_nodes"
    assert counted["composed"] <= 90


def test_aliases_that_stay_small_still_work():
    data, _node = safe_compose("a: &a [1, 2]\nb: *a\nc: [*a, *a]\n")
    assert data == {"a": ["1", "2"], "b": ["1", "2"], "c": [["1", "2"], ["1", "2"]]}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: &a [*a]\n", "yaml_recursive_alias"),
        ("[" * 5000 + "]" * 5000, "yaml_too_deep"),
        ("x: '" + "ก" * 100_000 + "'\n", "yaml_too_large"),  # 300 kB in UTF-8
        (
            "- &a [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n- [[[[[[[[*a]]]]]]]]\n",
            "yaml_too_deep",
        ),
    ],
)
def test_depth_size_and_recursion_are_limited(text, code):
    with pytest.raises(RegulationFormatError) as exc:
        load_regulation(text)
    assert [e.code for e in exc.value.errors] == [code]


def test_every_prototype_is_far_below_the_limits():
    for path in PROTOTYPE_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        reader = loader._Loader(text)
        reader.get_single_node()
        assert reader.expanded * 10 < YAML_LIMITS.max_nodes, path.name
        assert len(text.encode()) * 10 < YAML_LIMITS.max_bytes, path.name


def test_the_message_names_the_limit_in_thai_and_english():
    with pytest.raises(RegulationFormatError) as exc:
        load_regulation(bomb(7))
    error = exc.value.errors[0]
    limit = str(YAML_LIMITS.max_nodes)
    thai = render_error(error, "th")
    assert "มากเกินไป" in thai and limit in thai
    english = render_error(error, "en")
    assert "too many values" in english and limit in english


# ---- every entry point --------------------------------------------------------------------


@pytest.mark.django_db
def test_import_and_editing_refuse_the_bomb(world):
    from kongtun.regulations.services import version_import, version_save_content

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        version_import(fund=world.fund_a, content=bomb(7), actor=None)
    assert "too many values" in str(exc.value)
    draft = version_import(
        fund=world.fund_a,
        content=(PROTOTYPE_DIR / "banthi.yaml").read_text(encoding="utf-8"),
        actor=None,
    )
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        version_save_content(version=draft, content=bomb(7), actor=None)
    assert "มากเกินไป" in str(exc.value)


@pytest.mark.django_db
def test_the_projection_draft_field_refuses_the_bomb(
    world, client, monkeypatch, settings, tmp_path
):
    import kongtun.projection.services as services
    from kongtun.projection.models import ProjectionRun
    from tests.projection.test_views import form_data

    monkeypatch.setattr(services, "RUN_IN_BACKGROUND", False)
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.chair_a)
    url = f"/f/{world.fund_a.pk}/projection/"
    data = form_data(client.get(url), sources=[], scenarios="200", years="5")
    response = client.post(url, {**data, "paste": bomb(7)})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["upload"])
    assert "มากเกินไป" in errors and str(YAML_LIMITS.max_nodes) in errors
    assert not ProjectionRun.objects.exists()


def test_the_development_hand_off_check_refuses_the_bomb():
    from kongtun.development.handoff import regulation_validate

    with translation.override("en"):
        problems = regulation_validate(bomb(7))
    assert len(problems) == 1 and "too many values" in problems[0]
