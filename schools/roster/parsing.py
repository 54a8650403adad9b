"""Reading roster files (.xlsx, .csv) into rows, matching their headings, and parsing cell values.

Nothing here touches the database. Values come in as they were written in the file (text,
numbers, Excel dates); the parsers return clean Python values or raise ``InvalidValue`` with a
translated message for the report.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import Gender, Guardian, Membership

PUPILS = "pupils"
STAFF = "staff"
KINDS = (PUPILS, STAFF)

MAX_ROWS = 20_000
# An .xlsx is a zip of XML; refuse archives that would inflate far beyond any real roster.
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Title rows above the heading row are skipped when the heading row is found among these.
HEADING_SEARCH_ROWS = 10

Cell = object  # str, int, float, bool, datetime, date, time or None


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message is translated and meant for the user."""


class InvalidValue(ValueError):
    """A cell value cannot be understood; the message is translated and meant for the user."""


def cell_text(value: Cell) -> str:
    """A cell as text: numbers without a spurious '.0', dates as ISO, surrounding space removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------------------------
# Headings
# --------------------------------------------------------------------------------------------


def normalise_heading(text: object) -> str:
    """NFKC (full-width → half-width), no whitespace at all, no '*' required marker, lower case."""
    value = unicodedata.normalize("NFKC", cell_text(text))
    value = re.sub(r"\s+", "", value)
    return value.strip("*").lower()


def _guardian_aliases(position: int) -> dict[str, list[str]]:
    if position == 1:
        prefixes = ["监护人", "监护人1", "监护人一", "第一监护人"]
    else:
        prefixes = ["监护人2", "监护人二", "第二监护人"]
    suffixes = {
        "name": ["姓名"],
        "relation": ["与学生关系", "与学生的关系", "关系"],
        "phone": ["联系电话", "电话", "手机号", "手机号码", "手机"],
        "lives_with": ["是否与学生同住", "是否同住"],
        "works_away": ["是否外出务工"],
    }
    aliases = {
        f"guardian{position}_{key}": [prefix + suffix for prefix in prefixes for suffix in words]
        for key, words in suffixes.items()
    }
    if position == 1:
        aliases["guardian1_name"] += ["家长姓名"]
        aliases["guardian1_relation"] += ["与学生关系", "与学生的关系"]
        aliases["guardian1_phone"] += ["联系电话", "家长电话", "家长联系电话"]
        aliases["guardian1_lives_with"] += ["是否与学生同住"]
        aliases["guardian1_works_away"] += ["是否外出务工"]
    return aliases


# Field → headings accepted for it, as schools write them. The first one is the name shown in
# messages about a missing column.
PUPIL_HEADINGS: dict[str, list[str]] = {
    "name": ["姓名", "学生姓名"],
    "gender": ["性别"],
    "birth_date": ["出生日期", "出生年月日", "生日"],
    "registry_number": ["学籍号", "全国学籍号", "学籍号码"],
    "school_number": ["学号"],
    "classroom": ["班级"],
    "grade": ["年级"],
    "home_address": ["家庭住址", "家庭地址", "住址"],
    **_guardian_aliases(1),
    **_guardian_aliases(2),
    "left_behind": ["是否留守儿童", "留守儿童"],
    "single_parent": ["是否单亲家庭", "单亲家庭"],
    "migrant_child": ["是否进城务工人员随迁子女", "是否随迁子女", "随迁子女"],
    "registered_poor": ["是否建档立卡贫困户", "是否贫困户", "建档立卡贫困户"],
    "notes": ["备注"],
}

STAFF_HEADINGS: dict[str, list[str]] = {
    "name": ["姓名"],
    "username": ["用户名"],
    "staff_number": ["工号"],
    "phone": ["手机号", "手机号码", "手机", "联系电话", "电话"],
    "roles": ["职务", "角色"],
    "classroom": ["任教班级", "班主任班级"],
}

HEADINGS = {PUPILS: PUPIL_HEADINGS, STAFF: STAFF_HEADINGS}

# Where two fields give the same thing, the first one present in the file wins; the other
# column is then ignored (and listed as such in the report).
PREFERRED = {PUPILS: [("registry_number", "school_number")], STAFF: [("username", "staff_number")]}

# Headings that only one kind of file has: they decide the kind when none is given.
_KIND_MARKERS = {
    PUPILS: {"gender", "registry_number", "school_number", "guardian1_name", "birth_date"},
    STAFF: {"username", "staff_number", "roles"},
}

_ALIAS_INDEX: dict[str, dict[str, str]] = {
    kind: {normalise_heading(alias): name for name, aliases in table.items() for alias in aliases}
    for kind, table in HEADINGS.items()
}


@dataclass(frozen=True)
class Column:
    index: int
    heading: str  # as written in the file


@dataclass
class HeadingMap:
    columns: dict[str, Column] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    # (heading, message) pairs for headings that cannot be used, e.g. the same column twice.
    problems: list[tuple[str, str]] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.columns


def detect_kind(headings: Iterable[str]) -> str | None:
    """``pupils`` or ``staff`` from the headings alone, or None when they do not tell."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for heading in headings:
        key = normalise_heading(heading)
        for kind in KINDS:
            name = _ALIAS_INDEX[kind].get(key)
            if name in _KIND_MARKERS[kind]:
                found[kind].add(name)
    if found[PUPILS] and not found[STAFF]:
        return PUPILS
    if found[STAFF] and not found[PUPILS]:
        return STAFF
    return None


def map_headings(headings: list[str], kind: str) -> HeadingMap:
    """Which column holds which field; unknown headings are ignored and listed."""
    result = HeadingMap()
    index = _ALIAS_INDEX[kind]
    for position, heading in enumerate(headings):
        key = normalise_heading(heading)
        if not key:
            continue
        name = index.get(key)
        if name is None:
            if heading not in result.ignored:
                result.ignored.append(heading)
            continue
        taken = result.columns.get(name)
        if taken is None:
            result.columns[name] = Column(position, heading)
        elif normalise_heading(taken.heading) == key:
            result.problems.append((heading, _("This column appears more than once.")))
        else:
            result.problems.append(
                (heading, _("This column repeats the column %(other)s.") % {"other": taken.heading})
            )
    for preferred, other in PREFERRED[kind]:
        if preferred in result.columns and other in result.columns:
            result.ignored.append(result.columns.pop(other).heading)
    return result


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


@dataclass
class Table:
    """The heading row as written, and the data rows with their spreadsheet row numbers."""

    headings: list[str]
    rows: list[tuple[int, tuple[Cell, ...]]]


def read_table(*, name: str, data: bytes, max_bytes: int) -> Table:
    """Read an uploaded .xlsx or .csv. Raises RosterFileError with a message for the user."""
    if not data:
        raise RosterFileError(_("The file is empty."))
    if len(data) > max_bytes:
        raise RosterFileError(_("The file is larger than %(size)s.") % {"size": filesizeformat(max_bytes)})
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "xlsx":
        raw_rows = _xlsx_rows(data)
    elif suffix == "csv":
        raw_rows = _csv_rows(data)
    elif suffix == "xls":
        raise RosterFileError(_("Old .xls files cannot be read; save the file as .xlsx."))
    else:
        raise RosterFileError(_("Only .xlsx and .csv files can be imported."))
    return _table_from_rows(raw_rows)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GBK/GB18030 as Chinese office software writes it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError(_("The CSV file is neither UTF-8 nor GBK text; save it again as CSV (UTF-8)."))


def _csv_rows(data: bytes) -> Iterator[tuple[Cell, ...]]:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield tuple(record)
    except csv.Error as exc:
        raise RosterFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[Cell, ...]]:
    # Imported lazily: openpyxl is only needed for spreadsheets.
    import openpyxl

    unreadable = _("The spreadsheet cannot be read; open it and save it again as .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RosterFileError(unreadable) from exc
    if inflated > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise RosterFileError(unreadable)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; they do not matter here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise RosterFileError(unreadable) from exc
    try:
        if not workbook.worksheets:
            raise RosterFileError(unreadable)
        sheet = workbook.worksheets[0]
        try:
            yield from sheet.iter_rows(values_only=True)
        except RosterFileError:
            raise
        except Exception as exc:
            raise RosterFileError(unreadable) from exc
    finally:
        workbook.close()


def _is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table_from_rows(raw_rows: Iterable[tuple[Cell, ...]]) -> Table:
    headings: list[str] | None = None
    candidates: list[tuple[int, tuple[Cell, ...]]] = []
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    name_headings = {normalise_heading(a) for t in HEADINGS.values() for a in t["name"]}
    for number, values in enumerate(raw_rows, start=1):
        if all(_is_blank(v) for v in values):
            continue
        if headings is None:
            candidates.append((number, values))
            if any(normalise_heading(v) in name_headings for v in values):
                headings = [cell_text(v) for v in values]
            elif len(candidates) >= HEADING_SEARCH_ROWS:
                # No recognisable heading row: take the first row, the caller names what is missing.
                headings = [cell_text(v) for v in candidates[0][1]]
                rows.extend(candidates[1:])
            continue
        if len(rows) >= MAX_ROWS:
            raise RosterFileError(_("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}"})
        rows.append((number, values))
    if headings is None:
        if not candidates:
            raise RosterFileError(_("The file is empty."))
        headings = [cell_text(v) for v in candidates[0][1]]
        rows.extend(candidates[1:])
    if not rows:
        raise RosterFileError(_("The file has a heading row but no rows to import."))
    return Table(headings=headings, rows=rows)


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def _plain(value: Cell) -> str:
    """Text for structured values: NFKC (full-width digits and brackets), no whitespace, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value))).lower()


def _shown(value: Cell, limit: int = 40) -> str:
    text = cell_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_CJK = r"\u3400-\u9fff\uf900-\ufaff"


def clean_text(value: Cell) -> str:
    """Free text: surrounding space removed, inner runs of space collapsed."""
    return re.sub(r"\s+", " ", cell_text(value)).strip()


def clean_name(value: Cell) -> str:
    """A person's name. Spaces that pad Chinese names for alignment (张　三) are removed."""
    text = clean_text(value)
    return re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "", text)


def clean_code(value: Cell) -> str:
    """Student numbers, usernames: NFKC (full-width → half-width), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))


_TRUE = {"是", "1", "y", "yes", "true", "t", "√", "✓", "✔", "对", "有"}
_FALSE = {"否", "0", "n", "no", "false", "f", "×", "✗", "✘", "x", "不是", "无", "没有"}


def parse_bool(value: Cell) -> bool:
    """是/否, 1/0, Y/N, yes/no, true/false, √/×; an empty cell means no."""
    if isinstance(value, bool):
        return value
    text = _plain(value)
    if text in _TRUE:
        return True
    if text in _FALSE or not text:
        return False
    raise InvalidValue(_("“%(value)s” is not yes or no (是/否).") % {"value": _shown(value)})


_GENDERS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "男生": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "女生": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
}


def parse_gender(value: Cell) -> str:
    try:
        return _GENDERS[_plain(value)]
    except KeyError:
        raise InvalidValue(_("“%(value)s” is not a gender (男 or 女).") % {"value": _shown(value)}) from None


_DATE_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]


def parse_date(value: Cell) -> datetime.date | None:
    """2015-03-02, 2015/3/2, 2015.3.2, 2015年3月2日, 20150302 or an Excel date cell; empty → None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _plain(value)
    if not text:
        return None
    # A date written with a midnight time, as some exports do: "2015-03-02 00:00:00".
    text = re.sub(r"(?<=\d)(t|)0{1,2}:00(:00(\.0+)?)?$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                break
    raise InvalidValue(_("“%(value)s” is not a valid date.") % {"value": _shown(value)})


def parse_birth_date(value: Cell) -> datetime.date | None:
    day = parse_date(value)
    if day is not None and day > timezone.localdate():
        raise InvalidValue(_("The birth date lies in the future."))
    if day is not None and day.year < 1900:
        raise InvalidValue(_("“%(value)s” is not a valid date.") % {"value": _shown(value)})
    return day


_R = Guardian.Relation
_RELATIONS: dict[str, str] = {}
for _relation, _words in {
    _R.FATHER: "父亲 爸爸 父 爸 father",
    _R.MOTHER: "母亲 妈妈 母 妈 mother",
    _R.GRANDFATHER: "爷爷 祖父 grandfather",
    _R.GRANDMOTHER: "奶奶 祖母 grandmother",
    _R.MATERNAL_GRANDFATHER: "外公 外祖父 姥爷 maternal_grandfather",
    _R.MATERNAL_GRANDMOTHER: "外婆 外祖母 姥姥 maternal_grandmother",
    _R.SIBLING: "哥哥 姐姐 弟弟 妹妹 兄 姐 弟 妹 兄长 兄弟 姐妹 sibling brother sister",
    _R.RELATIVE: (
        "叔叔 叔 叔父 婶婶 婶 伯伯 伯 伯父 伯母 大伯 大妈 舅舅 舅 舅父 舅妈 姑姑 姑 姑妈 姑父 "
        "姨 阿姨 姨妈 姨父 小姨 表哥 表姐 堂哥 堂姐 亲戚 亲属 其他亲属 relative"
    ),
    _R.OTHER: "其他 其它 其他人 other",
}.items():
    for _word in _words.split():
        _RELATIONS[_plain(_word)] = str(_relation)


def parse_relation(value: Cell) -> str:
    try:
        return _RELATIONS[_plain(value)]
    except KeyError:
        raise InvalidValue(
            _("“%(value)s” is not a relation to the pupil (e.g. 父亲, 母亲, 爷爷, 奶奶, 其他).")
            % {"value": _shown(value)}
        ) from None


def parse_phone(value: Cell) -> str:
    """Digits with an optional +86, spaces, dashes or brackets; stored as digits only."""
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if not text:
        return ""
    invalid = InvalidValue(
        _("“%(value)s” is not a phone number (7 to 20 digits).") % {"value": _shown(value)}
    )
    if not re.fullmatch(r"\+?[\d\s\-()]+", text):
        raise invalid
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        digits = digits[2:] if digits.startswith("86") else "+" + digits
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not 7 <= len(digits.lstrip("+")) <= 20:
        raise invalid
    return digits


# Classes: 四年级(1)班, 4年级1班, 三年级一班, 初一(2)班, 七年级2班, 4(1), 4-1, 401 ...

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"\d{1,2}|[一二两三四五六七八九十]{1,3}"
_STAGE_GRADE = r"[初高][一二三1-3]"
_GRADE_WORD = rf"{_STAGE_GRADE}|{_NUM}"
_CLASS_PATTERNS = [
    # 四年级(1)班, 4年级1班, 三年级一班, 七年级2班, 4年级-1班
    re.compile(rf"(?P<grade>{_NUM})(?:年级|年)[-._/·]?\(?(?P<number>{_NUM})\)?班?"),
    # 初一(2)班, 初一2班, 高二(10)班
    re.compile(rf"(?P<grade>{_STAGE_GRADE})(?:年级)?[-._/·]?\(?(?P<number>{_NUM})\)?班?"),
    # 4(1), 四(1)班
    re.compile(rf"(?P<grade>{_NUM})\((?P<number>{_NUM})\)班?"),
    # 4-1, 4.1, 4/1, 10-2
    re.compile(r"(?P<grade>\d{1,2})[-._/·](?P<number>\d{1,2})班?"),
    # 401 (grade 4 class 1), 1012 (grade 10 class 12)
    re.compile(r"(?P<grade>[1-9]|1[0-2])(?P<number>\d{2})"),
]
# Just the class number, when the 年级 column gives the grade: 1, 1班, (1)班, 一班
_NUMBER_ONLY = re.compile(rf"\(?(?P<number>{_NUM})\)?班?")
_GRADE_ONLY = re.compile(rf"(?P<grade>{_GRADE_WORD})(?:年级|年)?")
_STAGE_OFFSET = {"小学": 0, "初中": 6, "高中": 9}


def chinese_number(text: str) -> int | None:
    """1 to 99 from digits or Chinese numerals (三, 十二, 二十三)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, units = text.partition("十")
        high = _CN_DIGITS.get(tens, 0) if tens else 1
        low = _CN_DIGITS.get(units, 0) if units else 0
        if (tens and not high) or (units and not low) or units.count("十"):
            return None
        return high * 10 + low
    if len(text) == 1:
        return _CN_DIGITS.get(text)
    return None


def _grade_value(word: str, offset: int = 0) -> int | None:
    if word[0] in "初高":
        base = 6 if word[0] == "初" else 9
        number = chinese_number(word[1:])
        return None if number is None else base + number
    number = chinese_number(word)
    if number is None:
        return None
    if offset and number <= 3:
        number += offset
    return number


def _strip_stage(text: str) -> tuple[str, int]:
    for prefix, offset in _STAGE_OFFSET.items():
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix) :], offset
    return text, 0


def parse_grade(value: Cell) -> int | None:
    """四年级, 4, 4年级, 初一, 七年级, 高一, 初中一年级; empty → None."""
    text = _plain(value)
    if not text:
        return None
    text, offset = _strip_stage(text)
    match = _GRADE_ONLY.fullmatch(text)
    grade = _grade_value(match.group("grade"), offset) if match else None
    if grade is None or not 1 <= grade <= 12:
        raise InvalidValue(_("“%(value)s” is not a grade (e.g. 四年级, 初一).") % {"value": _shown(value)})
    return grade


def parse_class(value: Cell, *, grade: int | None = None) -> tuple[int, int]:
    """(grade, class number). ``grade`` comes from a separate 年级 column, if the file has one."""
    text = _plain(value)
    if not text:
        raise InvalidValue(_("This value is required."))
    invalid = InvalidValue(_("“%(value)s” is not a class (e.g. 四年级(1)班).") % {"value": _shown(value)})
    text, offset = _strip_stage(text)
    for pattern in _CLASS_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            class_grade = _grade_value(match.group("grade"), offset)
            number = chinese_number(match.group("number"))
            break
    else:
        match = _NUMBER_ONLY.fullmatch(text)
        if not match:
            raise invalid
        if grade is None:
            raise InvalidValue(
                _("“%(value)s” does not say which grade; write e.g. 四年级(1)班 or fill in 年级.")
                % {"value": _shown(value)}
            )
        class_grade, number = grade, chinese_number(match.group("number"))
    if class_grade is None or number is None or not 1 <= class_grade <= 12 or not 1 <= number <= 99:
        raise invalid
    if grade is not None and grade != class_grade:
        raise InvalidValue(
            _("“%(value)s” is not in grade %(grade)s given in the grade column.")
            % {"value": _shown(value), "grade": grade}
        )
    return class_grade, number


# Staff roles: 任课教师, 班主任, 心理教师, 校长 ... one or several separated by 、 , ， / ;
CLASS_TEACHER = "class_teacher"  # not a Membership role: a teacher who leads a class

_ROLE_WORDS: dict[str, str] = {}
for _role, _names in {
    Membership.Role.TEACHER: ["任课教师", "教师", "老师", "科任教师", "任课老师", "teacher"],
    CLASS_TEACHER: ["班主任", "class_teacher"],
    Membership.Role.COUNSELLOR: [
        "心理教师",
        "心理辅导员",
        "心理健康教师",
        "心理老师",
        "心理咨询师",
        "counsellor",
    ],
    Membership.Role.PRINCIPAL: ["校长", "principal"],
    Membership.Role.VICE_PRINCIPAL: ["副校长", "vice_principal"],
    Membership.Role.SCHOOL_ADMIN: ["管理员", "学校管理员", "school_admin"],
    Membership.Role.CUSTODIAN: ["捐赠专管员", "custodian"],
}.items():
    for _name in _names:
        _ROLE_WORDS[_plain(_name)] = str(_role)


def parse_roles(value: Cell) -> tuple[str, ...]:
    """Membership role values, plus CLASS_TEACHER for 班主任, in the order written, no repeats."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    roles: list[str] = []
    for word in re.split(r"[、,，/;；|\s]+", text):
        if not word:
            continue
        role = _ROLE_WORDS.get(_plain(word))
        if role is None:
            raise InvalidValue(
                _("“%(value)s” is not a role (e.g. 任课教师, 班主任, 心理教师, 校长, 管理员).")
                % {"value": _shown(word)}
            )
        if role not in roles:
            roles.append(role)
    return tuple(roles)
