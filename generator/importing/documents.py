"""A parsed bulletin → the issue file and its case files (YAML documents with 待确认 comments)."""

from __future__ import annotations

import re
from typing import Any


from generator.importing.bulletin_parse import Article, Bulletin, Section
from generator.content.models import DevModel, Issue, Series
from generator.content.numbering import issue_path
from generator.site.urls import KIND_NAMES, issue_slug
from generator.content.yamlsrc import Loc
from generator.importing.import_types import Document, ImportResult, Archive
from generator.importing.yaml_text import yaml_mapping

# ---------------------------------------------------------------- bulletin → documents

def source_label(bulletin: Bulletin, series: Series) -> str:
    """山西省乡村振兴简报 2023年第7期（总第62期）"""
    kind = "" if bulletin.kind == "regular" else KIND_NAMES[bulletin.kind]
    total = f"（总第{bulletin.total}期）" if bulletin.total else ""
    return f"{series.name} {bulletin.date.year}年{kind}第{bulletin.number}期{total}"


def build_documents(bulletin: Bulletin, series: Series, archive: Archive, source: str) -> list[Document]:
    """The case files (if any), then the issue file, last."""
    year = bulletin.date.year
    slug = issue_slug(Issue.model_construct(kind=bulletin.kind, number=bulletin.number))
    label = source_label(bulletin, series)
    issue = Document(issue_path(series.id, year, bulletin.kind, bulletin.number, len(archive.series) > 1), {}, header=[label, f"由 jianbao import 从 {source} 导入；标有“待确认”的地方请对照原件核对"])
    data = issue.data
    data.update(series=series.id, year=year, number=bulletin.number)
    if bulletin.total is not None:
        data["total"] = bulletin.total
    data.update(kind=bulletin.kind, date=bulletin.date)
    if bulletin.classification:  # one marking as a string, several as a list (SPEC §3.2)
        data["classification"] = bulletin.classification[0] if len(bulletin.classification) == 1 else list(bulletin.classification)
    data["draft"] = False
    data["articles"] = []
    documents = []
    case_articles = [a for a in bulletin.articles if a.is_case]
    for article in bulletin.articles:
        index = len(data["articles"])
        for note in article.notes:
            issue.comment(("articles", index), f"待确认：{note.message}")
        if not article.is_case:
            data["articles"].append({"title": article.title, "body": "\n\n".join(article.paragraphs)})
            continue
        existing = _same_title(article.title, archive.cases)
        case_id = f"{series.id}-{year}-{slug}" + (f"-{case_articles.index(article) + 1}" if len(case_articles) > 1 else "")
        if existing and existing != case_id:
            data["articles"].append({"case": existing})
            issue.comment(("articles", index), f"待确认：已有同名案例 {existing}，本期引用它，未另建案例文件")
            continue
        data["articles"].append({"case": case_id})
        documents.append(case_document(article, case_id, bulletin, series, archive.models, label, source))
    if bulletin.distribution:
        data["distribution"] = [{"label": r.label, "to": r.to} for r in bulletin.distribution]
    for key in ("printed_by", "printed_date", "copies", "editor"):
        if getattr(bulletin, key) is not None:
            data[key] = getattr(bulletin, key)
    if bulletin.issuer and re.sub(r"\s", "", bulletin.issuer) != series.issuer:
        bulletin.note("series", bulletin.where[0], f"原件的编印单位为“{bulletin.issuer}”，与系列 {series.id} 的“{series.issuer}”不同（编印单位按系列显示）")
    for key, notes in bulletin.notes.items():
        for note in notes:
            issue.comment((key,) if key in data else ("kind",), f"待确认：{note.message}")
    return documents + [issue]


def case_document(article: Article, case_id: str, bulletin: Bulletin, series: Series, models: list[DevModel], label: str, source: str) -> Document:
    """An article with numbered sections → a typical case."""
    document = Document(f"content/cases/{case_id}.yml", {}, header=[f"典型案例：{article.title}", f"来源：{label}；由 jianbao import 从 {source} 导入"])
    data = document.data
    data.update(id=case_id, title=article.title, region=guess_region(article.title, series))
    document.comment(("region",), "待确认：地区由标题中的地名和简报名称推断")
    matched = match_model([s.heading for s in article.sections], models)
    if matched:
        data["model"] = matched[0]
        document.comment(("model",), "待确认：发展模式按小节标题与 content/models/ 中的条目匹配")
    data["date"] = bulletin.date
    data["summary"] = summary_of(article)
    document.comment(("summary",), "待确认：摘要取自导语第一句，可改写为一两句话；另请补充主题标签 tags 和关键数字 highlights")
    if article.lead:
        data["lead"] = article.lead
    data["sections"] = [_section_data(s, document, ("sections", i), matched[1][i] if matched else None) for i, s in enumerate(article.sections)]
    data["sources"] = [{"title": label, "date": bulletin.date}]
    return document


def _section_data(section: Section, document: Document, loc: Loc, model_item: int | None) -> dict[str, Any]:
    for note in section.notes:
        document.comment(loc, f"待确认：{note.message}")
    data: dict[str, Any] = {"heading": section.heading}
    if model_item:
        data["model_item"] = model_item
    if section.body:
        data["body"] = section.body
    if section.points:
        data["points"] = []
        for index, point in enumerate(section.points):
            for note in point.notes:
                document.comment((*loc, "points", index), f"待确认：{note.message}")
            data["points"].append({"lead": point.lead, "text": point.text} if point.lead else {"text": point.text})
    if section.sections:
        data["sections"] = [_section_data(s, document, (*loc, "sections", i), None) for i, s in enumerate(section.sections)]
    return data


_PLACE = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:自治州|自治县|市|县|区|旗|州|盟)[区县市旗]?)(?![场域级乡县镇委属内民直])")


def guess_region(title: str, series: Series) -> str:
    """山西省 (from the series) + 晋中市 (from the title) → 山西省/晋中市."""
    province = re.match(r"^(.{2,7}?(?:省|自治区)|北京市|天津市|上海市|重庆市)", series.name or series.issuer)
    path = [province.group(1)] if province else []
    rest = title
    for _ in range(2):
        place = _PLACE.match(rest)
        if not place or place.group(1) in path:
            break
        path.append(place.group(1))
        rest = rest[place.end():]
    return "/".join(path) or "待定"


def match_model(headings: list[str], models: list[DevModel]) -> tuple[str, list[int | None]] | None:
    """A model whose item names (and subtitles) appear in most section headings."""
    best: tuple[str, list[int | None], int] | None = None
    for model in models:
        items: list[int | None] = []
        for heading in headings:
            compact = re.sub(r"\s", "", heading)
            items.append(next((n for n, item in enumerate(model.items, 1)
                               if item.name in compact and (not item.subtitle or item.subtitle in compact)), None))
        hits = sum(1 for item in items if item)
        if hits >= 2 and hits * 2 >= len(headings) and (best is None or hits > best[2]):
            best = (model.id, items, hits)
    return (best[0], best[1]) if best else None


def summary_of(article: Article) -> str:
    """The first sentence of the lead (or of the first section, or the title)."""
    for text in (article.lead, article.sections[0].body if article.sections else ""):
        text = re.sub(r"\*\*|\s*\n\s*", "", text).strip()
        if text:
            match = re.match(r"^.+?[。！？]", text)
            return match.group(0) if match else text
    return article.title


def _same_title(title: str, cases: dict[str, str]) -> str | None:
    compact = re.sub(r"\s", "", title)
    return next((case_id for case_id, existing in cases.items() if re.sub(r"\s", "", existing) == compact), None)


def resolve_series(bulletin: Bulletin, series: list[Series], wanted: str | None, shown: str, result: ImportResult) -> Series | None:
    """The series named by --series, else the one whose name or masthead is printed; else stop (SPEC §7)."""
    report = result.report
    printed = re.sub(r"\s", "", "".join(bulletin.masthead))
    matches = [s for s in series if printed and printed in (re.sub(r"\s", "", s.name), re.sub(r"\s", "", "".join(s.masthead)))]
    line = bulletin.masthead_line
    if wanted:
        chosen = next(s for s in series if s.id == wanted)
        if chosen not in matches:
            report.warning(shown, line, 1, f"报头“{printed or '（无）'}”与简报系列 {chosen.id}（{chosen.name}）不一致，按 --series {chosen.id} 导入")
        return chosen
    if matches:
        return matches[0]
    known = "、".join(f"{s.id}（{s.name}）" for s in series)
    if not printed:
        report.error(shown, line, 1, f"找不到报头（期号行之前没有简报名称），无法确定简报系列，未导入：请用 --series ID 指定（已有：{known}）")
        return None
    report.error(shown, line, 1, f"报头“{printed}”与 content/series.yml 中的简报系列（{known}）都不一致，未导入："
                                 f"请把下面列出的几行加入 content/series.yml 后再导入；若它确属已有系列（如机构改名前的旧报头），用 --series ID 指定")
    if printed not in result.series_hints:
        result.series_hints[printed] = series_snippet(bulletin, {s.id for s in series})
    return None


def series_snippet(bulletin: Bulletin, taken: set[str]) -> str:
    """The lines of content/series.yml for a series not there yet, filled in from the bulletin."""
    words = [w for w in bulletin.masthead if w]
    name = "".join(words)
    masthead = words if len(words) <= 3 else [name]
    number = next(n for n in range(2, len(taken) + 3) if f"series-{n}" not in taken)
    data: dict[str, Any] = {"id": f"series-{number}", "name": name, "masthead": masthead}
    data["issuer"] = re.sub(r"\s+", "", bulletin.issuer or "") or bulletin.printed_by or name
    if bulletin.printed_by:
        data["printed_by"] = bulletin.printed_by
    if bulletin.distribution:
        data["distribution"] = [{"label": r.label, "to": r.to} for r in bulletin.distribution]
    Series.model_validate(data)  # what we suggest must load
    out = [f"# {name}：把 id 改为简短的标识（小写字母、数字和连字符，如拼音缩写），核对编印单位和报尾"]
    yaml_mapping(data, (), 2, out, {}, first_prefix="- ")
    return "\n".join(out) + "\n"
