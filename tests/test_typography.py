"""Chinese typography of the generated pages (issue 15, item 4): one test per rule."""

from __future__ import annotations

import datetime as dt

from generator.site.pages import RenderOptions, make_render_context
from generator.site.typography import cn_date, nest_quotes, no_orphan, quote


def test_dates_have_no_spaces():
    assert cn_date(dt.date(2023, 3, 31)) == "2023年3月31日"
    assert cn_date(dt.date(2024, 12, 1)) == "2024年12月1日"


def test_templates_write_every_date_without_spaces():
    env = make_render_context(None, RenderOptions()).env
    day = dt.date(2023, 3, 31)
    assert env.from_string("{{ d|cn_date }} {{ d|cn_date_compact }}").render(d=day) == "2023年3月31日 2023年3月31日"


def test_quotes_inside_quotes_are_single():
    assert quote("晋中市“六聚焦六破解” 大力发展壮大村级集体经济") == "“晋中市‘六聚焦六破解’ 大力发展壮大村级集体经济”"
    assert quote("某县“消薄”") == "“某县‘消薄’”"
    assert nest_quotes("“甲‘乙’”") == "‘甲“乙”’"  # a third level goes back to double quotes


def test_numbers_in_running_text_are_as_the_source_writes_them():
    env = make_render_context(None, RenderOptions()).env
    assert env.from_string("{{ 1942|number('个') }}|{{ 8.9|number('%') }}|{{ '*'|number }}").render() == "1942|8.9|*"


def test_caption_ends_cannot_wrap_alone():
    assert str(no_orphan("数据来源：示例数据，截至2022年12月31日")) == '数据来源：示例数据，截至2022年12月3<span class="jb-nowrap">1日</span>'
    assert str(no_orphan("来源：<本局>。")) == '来源：&lt;本<span class="jb-nowrap">局&gt;。</span>'
    assert str(no_orphan("短")) == "短"


def test_chart_caption_names_the_source_once(tmp_path):
    from generator.site.chart_embed import chart_html

    html = chart_html({}, "<svg></svg>", "c1", "数据来源：合成示例数据，截至2022年12月31日")
    assert '<figcaption class="jb-chart-source">数据来源：合成示例数据，截至2022年12月3<span class="jb-nowrap">1日</span></figcaption>' in html


def test_masthead_is_one_run_of_text():
    from pathlib import Path

    macros = (Path(__file__).resolve().parent.parent / "site_templates" / "pages" / "_macros.j2").read_text(encoding="utf-8")
    styles = Path(__file__).resolve().parent.parent / "site_templates" / "assets" / "stylesheets"
    assert '{% for line in view.series.masthead %}<span>{{ line }}</span>{% endfor %}' in macros  # no space between the parts
    for sheet in ("jianbao.css", "print.css"):  # and no margin between them, on screen or on paper
        assert ".jb-masthead span + span" not in (styles / sheet).read_text(encoding="utf-8"), sheet
