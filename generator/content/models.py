"""The content model: one definition per content kind (SPEC §3).

These classes are the single source of truth: they validate the YAML, produce
the JSON Schema for editors (`jianbao schema`) and the field reference in the
README (`tests/test_docs.py` checks it is complete).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
INDICATOR_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
REDACTED = ("*", "＊")

Id = Annotated[str, Field(pattern=ID_PATTERN, description="标识：小写字母、数字和连字符，以字母或数字开头，最长 63 个字符")]
IndicatorId = Annotated[str, Field(pattern=INDICATOR_PATTERN, description="指标标识，见 data/indicators.yml")]
# Markdown fields carry the JSON Schema media type, so editors (`jianbao edit`, any JSON Schema form) know them.
Text = Annotated[str, Field(description="Markdown 文本", json_schema_extra={"contentMediaType": "text/markdown"})]
Year = Annotated[int, Field(ge=1949, le=2100)]

# A region path segment may not hold what URLs and Windows file names cannot.
_BAD_SEGMENT = re.compile(r'[\\/:*?"<>|#%\x00-\x1f\x7f]')
# A first character that makes a spreadsheet read data/indicators.csv as a formula.
_FORMULA_START = ("=", "+", "-", "@")
MAX_REGION_NAME = 40


def region_name_problem(segment: str) -> str | None:
    """Why one level of a region path (a folder of the site) is not usable, or None."""
    if not segment.strip() or segment != segment.strip():
        return "地区路径的每一级都不能为空，也不能以空格开头或结尾"
    if segment in (".", "..") or _BAD_SEGMENT.search(segment):
        return f"地区名“{segment}”含有不允许的字符"
    if segment.startswith(_FORMULA_START):
        return f"地区名“{segment}”不能以“{segment[0]}”开头（表格软件会把它当作公式）"
    if len(segment) > MAX_REGION_NAME:
        return f"地区名“{segment[:10]}…”过长"
    return None


def check_region(value: str) -> str:
    """Validate a region path such as 山西省/晋中市/榆次区."""
    segments = value.split("/")
    if len(segments) > 5:
        raise ValueError("地区路径最多五级（省/市/县/乡镇/村）")
    for segment in segments:
        problem = region_name_problem(segment)
        if problem:
            raise ValueError(problem)
    return value


class Strict(BaseModel):
    """Base of every content model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Distribution(Strict):
    """One line of the 报尾: 发：… / 送：…"""

    label: str = Field(min_length=1, max_length=8, description="标签，如 发、送、报、抄送、增发")
    to: list[str] = Field(min_length=1, description="收文单位，按顺序排列")


class Series(Strict):
    """A briefing series (content/series.yml holds a list of them)."""

    id: Id
    name: str = Field(min_length=1, description="简报名称，如 山西省乡村振兴简报")
    masthead: list[str] = Field(min_length=1, max_length=3, description="红色报头，按印刷分行，如 [山西省乡村振兴, 简报]")
    issuer: str = Field(min_length=1, description="编印单位，印在期号行左侧")
    printed_by: str | None = Field(None, description="印发单位（默认值），印在报尾")
    distribution: list[Distribution] = Field(default_factory=list, description="默认报尾（发/送…），每期可覆盖")


class CaseArticle(Strict):
    """An article whose body, figures and charts come from a case."""

    case: Id = Field(description="引用的典型案例标识（content/cases/<id>.yml）")
    title: str | None = Field(None, description="可选：覆盖案例标题")


ChartType = Literal["trend", "bands", "ranking"]


class ChartDecl(Strict):
    """A chart declared in a case or an issue (SPEC §4.4)."""

    type: ChartType = Field(description="图表类型：trend 趋势、bands 收入分档、ranking 下级地区排名")
    region: str = Field(description="地区路径，如 山西省/晋中市")
    year: Year | None = Field(None, description="年度：bands、ranking 为该年，trend 为显示到该年；缺省为最新年度")
    indicator: IndicatorId | None = Field(None, description="指标（ranking 使用）")
    indicators: list[IndicatorId] | None = Field(None, description="指标列表（trend 使用）")
    title: str | None = Field(None, description="可选：图表标题")

    _region = field_validator("region")(check_region)

    @model_validator(mode="after")
    def _check_fields(self) -> ChartDecl:
        if self.indicator is not None and self.indicators is not None:
            raise ValueError("indicator 与 indicators 只能填写其中一个")
        if self.type == "bands" and (self.indicator is not None or self.indicators is not None):
            raise ValueError("bands（收入分段）图表不接受 indicator 或 indicators")
        if self.type == "ranking" and self.indicators is not None:
            raise ValueError("ranking（排名）图表只接受一个指标：请用 indicator")
        if self.indicators is not None and not self.indicators:
            raise ValueError("indicators 不能为空")
        return self


class Highlight(Strict):
    """A key figure shown as a card."""

    label: str = Field(min_length=1, description="指标说明")
    value: float | Literal["*", "＊"] = Field(description="数值；“*”表示脱敏数字")
    unit: str = Field("", description="单位，如 %、万元、个")
    as_of: dt.date | None = Field(None, description="截至日期")
    indicator: IndicatorId | None = Field(None, description="可选：对应的计算指标，构建时核对")

    @property
    def redacted(self) -> bool:
        return isinstance(self.value, str)


class Point(Strict):
    """A point of a section: a bold lead phrase and its text, or an 一是/二是 paragraph."""

    lead: str | None = Field(None, description="加粗导语（不含句末“。”）")
    text: Text = Field(description="正文（Markdown）")


class SubSection(Strict):
    """A second-level section: （一）（二）…"""

    heading: str = Field(min_length=1, description="标题（不含编号）")
    model_item: int | None = Field(None, ge=1, description="可选：本节实现的发展模式条目序号（从 1 起）")
    body: Text = Field("", description="正文（Markdown）")
    points: list[Point] = Field(default_factory=list, description="要点：加粗导语段落或 一是/二是")


class Section(SubSection):
    """A first-level section: 一、二、…"""

    sections: list[SubSection] = Field(default_factory=list, description="可选：下级小节（（一）（二）…）")


class TextArticle(Strict):
    """An article written directly in the issue: a body, and 一、二、… sections like a case's."""

    title: str = Field(min_length=1, description="文章标题")
    points: list[Point] = Field(default_factory=list, description="可选：要点，加粗导语段落（lead + text），印在正文之后")
    sections: list[Section] = Field(default_factory=list, description="可选：小节（一、二、…），写法同案例的 sections")
    # Last, so that its check sees points and sections; validated even when left out.
    body: Text = Field("", validate_default=True, description="正文（Markdown），加粗的导语写作 **上下联动、高位推动。**；有 points 或 sections 时可省略")

    @field_validator("body")
    @classmethod
    def _not_empty(cls, body: str, info: ValidationInfo) -> str:
        if not body.strip() and not info.data.get("points") and not info.data.get("sections"):
            raise ValueError("正文为空：请填写正文（或用 points、sections 分段写）")
        return body


class Source(Strict):
    """Where a case comes from."""

    title: str = Field(min_length=1, description="来源名称")
    date: dt.date | None = Field(None, description="来源日期")


class Case(Strict):
    """A typical case: content/cases/<id>.yml."""

    id: Id
    title: str = Field(min_length=1, description="标题")
    region: str = Field(description="地区路径：省/市/县/乡镇/村，如 山西省/晋中市")
    model: Id | None = Field(None, description="可选：发展模式标识（content/models/<id>.yml）")
    date: dt.date | None = Field(None, description="案例的截至日期")
    tags: list[str] = Field(default_factory=list, description="主题标签")
    summary: str = Field(min_length=1, description="一两句话的摘要，用于列表和搜索结果")
    lead: Text = Field("", description="开篇段落（Markdown）")
    highlights: list[Highlight] = Field(default_factory=list, description="关键数字卡片")
    sections: list[Section] = Field(default_factory=list, description="正文小节，最多两级")
    charts: list[ChartDecl] = Field(default_factory=list, description="可选：图表")
    sources: list[Source] = Field(default_factory=list, description="来源")
    draft: bool = Field(False, description="草稿：仅在 --drafts（和 jianbao serve）时构建；jianbao new case 生成的模板为草稿")

    _region = field_validator("region")(check_region)

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not tag.strip() or tag in (".", "..") or _BAD_SEGMENT.search(tag) or len(tag) > 20:
                raise ValueError(f"标签“{tag}”不合适：不能为空、过长或含有 / \\ : * ? \" < > | # % 等字符")
        return tags


def _article_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "case" if "case" in value else "text"
    return "case" if isinstance(value, CaseArticle) else "text"


Article = Annotated[
    Union[Annotated[CaseArticle, Tag("case")], Annotated[TextArticle, Tag("text")]],
    Discriminator(_article_kind),
]

class Issue(Strict):
    """One briefing issue: content/briefings/[<series>/]<year>/<NNN>.yml."""

    series: Id = Field(description="所属简报系列（content/series.yml 中的 id）")
    year: Year = Field(description="年度")
    number: int = Field(ge=1, le=999, description="年度期号：第 N 期，每年从 1 开始")
    total: int | None = Field(None, ge=1, description="总期号：总第 M 期，不随年度重置；可由上一期推算时可省略")
    kind: Literal["regular", "supplement", "special"] = Field("regular", description="期别：regular 正刊、supplement 增刊、special 专刊，各自编号")
    date: dt.date = Field(description="编印日期，如 2023-03-31")
    classification: str | list[str] | None = Field(None, description="可选：左上角的标记，如 内部资料；几个标记写作列表，如 [内部资料, 注意保存]")
    draft: bool = Field(False, description="草稿：仅在 --drafts 时构建")
    articles: list[Article] = Field(min_length=1, description="文章：引用案例（case: id）或直接写正文（title + body）")
    charts: list[ChartDecl] = Field(default_factory=list, description="可选：附加图表")
    distribution: list[Distribution] | None = Field(None, description="报尾（发/送/报/抄送…），缺省用系列的默认值，顺序保留")
    printed_by: str | None = Field(None, description="印发单位，缺省用系列的默认值")
    printed_date: dt.date | None = Field(None, description="印发日期，缺省同编印日期")
    copies: int | None = Field(None, ge=1, description="可选：共印份数")
    editor: str | None = Field(None, min_length=1, description="可选：本期责任编辑，印在最后一篇文章之后、报尾之上：（本期责任编辑：李某某）")

    @property
    def markings(self) -> list[str]:
        """The markings printed top left, in order (classification as a list)."""
        if self.classification is None:
            return []
        return [self.classification] if isinstance(self.classification, str) else list(self.classification)


class ModelItem(Strict):
    """One numbered part of a development model."""

    name: str = Field(min_length=1, description="名称，如 专业平台带动")
    subtitle: str | None = Field(None, description="可选：副题，如 破解认识难题")
    description: Text | None = Field(None, description="可选：说明")


class DevModel(Strict):
    """A development model (发展模式): content/models/<id>.yml."""

    id: Id
    name: str = Field(min_length=1, description="简称，如 六项实招")
    full_name: str | None = Field(None, description="全称")
    summary: Text = Field("", description="简介（Markdown）")
    items: list[ModelItem] = Field(min_length=1, description="模式的组成条目，按顺序编号")
    draft: bool = Field(False, description="草稿：仅在 --drafts（和 jianbao serve）时构建；jianbao new model 生成的模板为草稿")

