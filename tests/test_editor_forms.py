"""The editor's forms: read from the content models, and what typed values mean as YAML."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.content.models import Case, DevModel, Issue, Series
from generator.editor.actions import ActionRefused, apply_action
from generator.editor.form_data import MISSING, data_of, fits, parse_fields, state_of
from generator.editor.form_spec import form_of, label_of


@pytest.mark.parametrize("kind, model", [("issue", Issue), ("case", Case), ("model", DevModel)])
def test_every_model_field_is_in_the_form(kind, model):
    assert {key for key, _ in form_of(kind).fields} == set(model.model_fields)
    assert all(node.label for _, node in form_of(kind).fields)


def test_series_form_is_a_list_of_series():
    node = form_of("series")
    assert node.kind == "list" and {key for key, _ in node.item.fields} == set(Series.model_fields)


def test_kinds_labels_and_pickers_come_from_the_models():
    issue, case = form_of("issue"), form_of("case")
    assert issue.field("kind").choices == (("regular", "正刊（regular）"), ("supplement", "增刊（supplement）"), ("special", "专刊（special）"))
    assert issue.field("date").kind == "date" and issue.field("draft").kind == "bool" and issue.field("classification").kind == "marks"
    assert issue.field("articles").item.kind == "union" and issue.field("series").picker == "series"
    assert case.field("lead").kind == "markdown" and case.field("summary").kind == "longtext" and case.field("region").picker == "region"
    assert case.field("highlights").item.field("indicator").picker == "indicator"
    assert case.field("highlights").item.field("value").kind == "figure"
    assert case.field("sections").item.field("model_item").picker == "model_item"
    assert [key for key, _ in issue.field("articles").item.variant("text").fields][:2] == ["title", "body"]
    assert label_of("可选：覆盖案例标题") == "覆盖案例标题" and label_of("年度期号：第 N 期") == "年度期号"


def test_typed_values_are_converted_where_they_parse():
    node = form_of("issue")
    state = state_of({}, node)
    state.update(series="sxxczx", year="２０２３", number=" 7 ", date="2023-03-31", total="六十二", copies="", draft="false")
    data = data_of(state, node)
    assert data["year"] == 2023 and data["number"] == 7 and data["date"] == dt.date(2023, 3, 31)
    assert data["total"] == "六十二"  # kept as typed: `jianbao check` names it
    assert "copies" not in data and "draft" not in data and "kind" not in data  # empty, or the default of a key the file lacks


def test_values_equal_to_the_file_keep_the_file_form():
    node = form_of("case")
    original = {"id": "a", "title": "t", "region": "山西省", "summary": "s", "lead": "第一段。\n\n第二段。\n",
                "highlights": [{"label": "占比", "value": 74, "unit": "%"}, {"label": "脱敏", "value": "*"}], "draft": False}
    state = state_of(original, node)
    state["lead"] = state["lead"].replace("\n", "\r\n").rstrip()  # a browser's text area
    state["highlights"][0]["value"] = "74.0"
    assert data_of(state, node, original) == original


def test_new_multiline_text_ends_as_a_block():
    node = form_of("case")
    state = state_of({}, node)
    state.update(id="a", title="t", region="山西省", summary="s", lead="一\r\n二  ")
    assert data_of(state, node)["lead"] == "一\n二\n"


def test_one_marking_stays_a_string_several_a_list():
    node = form_of("issue").field("classification")
    assert data_of(["内部资料"], node, "内部资料") == "内部资料"
    assert data_of(["内部资料", "注意保存"], node, "内部资料") == ["内部资料", "注意保存"]
    assert data_of(["", " "], node) is MISSING


def test_unknown_keys_of_the_file_are_kept_for_check_to_name():
    node = form_of("model")
    original = {"id": "m", "name": "n", "items": [{"name": "a"}], "colour": "红"}
    assert data_of(state_of(original, node), node, original) == original


def test_posted_fields_become_the_state():
    node = form_of("issue")
    state = parse_fields({"_token": "x", "articles.1.case": "b", "articles.0.title": "t", "articles.0.body": "正文",
                          "articles.0._kind": "text", "distribution.0.to.1": "乙", "distribution.0.to.0": "甲",
                          "__proto__.x": "1", "articles.x.title": "no"}, node)
    assert [a["_kind"] for a in state["articles"]] == ["text", "case"]
    assert state["distribution"][0]["to"] == ["甲", "乙"]


def test_file_that_does_not_fit_the_form():
    node = form_of("issue")
    assert fits({"articles": [{"case": "a"}], "date": dt.date(2023, 1, 1)}, node)
    assert not fits({"articles": {"case": "a"}}, node)
    assert not fits({"printed_by": ["a", "b"]}, node)


def test_list_actions():
    node = form_of("issue")
    state = state_of({"articles": [{"case": "a"}]}, node)
    state, focus = apply_action(state, node, "add:articles:text")
    assert focus == "articles.1" and state["articles"][1]["_kind"] == "text"
    state, focus = apply_action(state, node, "up:articles.1")
    assert focus == "articles.0" and state["articles"][1]["case"] == "a"
    state, _ = apply_action(state, node, "add:articles.0.sections")
    state, _ = apply_action(state, node, "add:articles.0.sections.0.points")
    assert state["articles"][0]["sections"][0]["points"] == [{"lead": "", "text": ""}]
    state, _ = apply_action(state, node, "remove:articles.1")
    assert len(state["articles"]) == 1
    for action in ("add:articles.0.case", "remove:articles.5", "up:nothing", "rename:articles.0", "add:articles.0.sections.x.points"):
        with pytest.raises(ActionRefused):
            apply_action(state, node, action)
