"""Human texts for conflicts and findings, in English and Arabic, keyed by their kind."""

from __future__ import annotations

from collections.abc import Mapping

TEXTS: Mapping[str, tuple[str, str]] = {
    "text": ("{text}", "{text}"),  # a problem given as a sentence
    # structure
    "duplicate_id": (
        "The id {concept} is used more than once.",
        "المعرّف {concept} مستخدم أكثر من مرة.",
    ),
    "cycle": (
        "{concept} cannot be placed under {parent}: that would make a cycle.",
        "لا يمكن وضع {concept} تحت {parent}: سينتج عن ذلك حلقة.",
    ),
    "dangling_parent": (
        "The parent {parent} of {concept} does not exist.",
        "الأصل {parent} للمفهوم {concept} غير موجود.",
    ),
    "parent_retired": (
        "The parent {parent} of {concept} is retired.",
        "الأصل {parent} للمفهوم {concept} موقوف.",
    ),
    "dangling_reference": (
        "{concept} refers to {target}, which does not exist.",
        "يشير {concept} إلى {target} وهو غير موجود.",
    ),
    # labels
    "duplicate_label": (
        "{concept} and {other} under the same parent share the {language} label “{label}”.",
        "يشترك {concept} و{other} تحت الأصل نفسه في التسمية ({language}) “{label}”.",
    ),
    "missing_language": (
        "{concept} has no label in {language}.",
        "لا توجد للمفهوم {concept} تسمية باللغة {language}.",
    ),
    "no_label": (
        "{concept} has no label at all.",
        "لا توجد للمفهوم {concept} أي تسمية.",
    ),
    "unprintable_label": (
        "The {field} ({language}) of {concept} contains invisible control characters.",
        "يحتوي الحقل {field} ({language}) للمفهوم {concept} على محارف تحكم غير مرئية.",
    ),
    # files
    "empty_file": (
        "The file is empty.",
        "الملف فارغ.",
    ),
    "invalid_encoding": (
        "The file is not UTF-8 text (invalid byte at position {offset}).",
        "الملف ليس نصًا بترميز UTF-8 (بايت غير صالح في الموضع {offset}).",
    ),
    "id_too_long": (
        "The id {concept} is longer than {limit} characters.",
        "المعرّف {concept} أطول من {limit} حرفًا.",
    ),
    "nul_character": (
        "{concept} holds a NUL character (\\0), which no database keeps.",
        "يحتوي {concept} على المحرف NUL (\\0) الذي لا تحفظه أي قاعدة بيانات.",
    ),
    "bad_language": (
        "The column {column} does not name a language (label_ar, label_en, label_fr-CA ...).",
        "العمود {column} لا يسمّي لغة (label_ar و label_en و label_fr-CA ...).",
    ),
    "wrong_header": (
        "The header lacks the column(s) {columns}.",
        "ينقص سطر العناوين العمود (الأعمدة) {columns}.",
    ),
    "bad_value": (
        "{concept}: the {field} “{value}” is not valid ({expected}).",
        "{concept}: قيمة {field} “{value}” غير صالحة ({expected}).",
    ),
    "bad_file": (
        "The file cannot be read as {format}: {reason}",
        "تعذّرت قراءة الملف بصيغة {format}: {reason}",
    ),
    # limits (formats/limits.py)
    "too_deep": (
        "The JSON file nests concepts more than about 500 levels deep, deeper than it can "
        "be read; import the tree as CSV, which has no depth limit.",
        "يتداخل ملف JSON لأكثر من نحو 500 مستوى من المفاهيم، وهو أعمق مما يمكن قراءته؛ "
        "استورد الشجرة بصيغة CSV التي لا حدّ لعمقها.",
    ),
    "too_many_rows": (
        "The file has more than {limit} rows; the limit is WORKSHOP_IMPORT_MAX_CONCEPTS.",
        "في الملف أكثر من {limit} صف؛ الحد هو WORKSHOP_IMPORT_MAX_CONCEPTS.",
    ),
    "too_many_concepts": (
        "The file has more than {limit} concepts; the limit is WORKSHOP_IMPORT_MAX_CONCEPTS.",
        "في الملف أكثر من {limit} مفهوم؛ الحد هو WORKSHOP_IMPORT_MAX_CONCEPTS.",
    ),
    "too_many_columns": (
        "The header has {count} columns, more than {limit}; the limit is "
        "WORKSHOP_IMPORT_MAX_COLUMNS.",
        "في سطر العناوين {count} عمودًا، أكثر من {limit}؛ الحد هو WORKSHOP_IMPORT_MAX_COLUMNS.",
    ),
    "cell_too_long": (
        "The cell in column {column} is longer than {limit} characters; the limit is "
        "WORKSHOP_IMPORT_MAX_CELL_CHARS.",
        "الخلية في العمود {column} أطول من {limit} حرف؛ الحد هو WORKSHOP_IMPORT_MAX_CELL_CHARS.",
    ),
    "too_many_cells": (
        "The file has more than {limit} filled cells; the limit is WORKSHOP_IMPORT_MAX_CELLS.",
        "في الملف أكثر من {limit} خلية مملوءة؛ الحد هو WORKSHOP_IMPORT_MAX_CELLS.",
    ),
    "too_large_unzipped": (
        "The workbook unpacks to {size} MB, more than {limit} MB; the limit is "
        "WORKSHOP_IMPORT_MAX_UNZIPPED_MB.",
        "يتوسّع المصنف عند فكّه إلى {size} ميغابايت، أكثر من {limit}؛ الحد هو "
        "WORKSHOP_IMPORT_MAX_UNZIPPED_MB.",
    ),
    "several_parents": (
        "{concept} has several broader concepts; it was placed under {parent} and the others "
        "({others}) were kept as related.",
        "للمفهوم {concept} أكثر من مفهوم أعم؛ وُضع تحت {parent} وحُفظت البقية ({others}) "
        "كمفاهيم مرتبطة.",
    ),
    "outside_link": (
        "{concept} is related to {target}, which is not in the file; it was kept as a "
        "mapping link (relatedMatch).",
        "يرتبط {concept} بـ{target} وهو ليس في الملف؛ حُفظ رابطَ مطابقة (relatedMatch).",
    ),
    "outside_parent": (
        "{concept} has the broader concept {target}, which is not in the file; it was kept as "
        "a mapping link (broadMatch).",
        "للمفهوم {concept} مفهوم أعم {target} ليس في الملف؛ حُفظ رابطَ مطابقة (broadMatch).",
    ),
    "several_texts": (
        "{concept} has several {property} in {language}; “{kept}” was kept as the main one and "
        "the others as synonyms or notes.",
        "للمفهوم {concept} أكثر من {property} باللغة {language}؛ اعتُمد “{kept}” وحُفظت البقية "
        "مرادفاتٍ أو ملاحظات.",
    ),
    "several_schemes": (
        "The file has {count} concept schemes ({schemes}); their concepts were imported into "
        "one taxonomy.",
        "في الملف {count} مخططات مفاهيم ({schemes})؛ استُوردت مفاهيمها في تصنيف واحد.",
    ),
    "unkept_property": (
        "{count} statement(s) use {property}, which this tool does not keep.",
        "تستخدم {count} عبارة الخاصية {property} التي لا تحفظها هذه الأداة.",
    ),
    "bad_ids": (
        "The ids cannot be taken as asked: {reason}.",
        "تعذّر أخذ المعرّفات كما طُلب: {reason}.",
    ),
    "crosswalk_unknown": (
        "The correspondence table maps {concept} to {codes}, which the editions do not have.",
        "يربط جدول التناظر {concept} بـ{codes}، وهي غير موجودة في الإصدارين.",
    ),
    "crosswalk_split": (
        "{concept} was split into {codes}; it is retired and points to the first of them.",
        "قُسّم {concept} إلى {codes}؛ فأُوقف وأُشير إلى أولها بديلًا.",
    ),
    "ids_prefixed": (
        "The tables {tables} use some of the same ids; every id was prefixed with its "
        "table's name (services/12).",
        "تشترك الجداول {tables} في بعض المعرّفات؛ فسُبق كل معرّف باسم جدوله (services/12).",
    ),
    "duplicate_iri": (
        "{concept} and {other} have the same IRI {iri}.",
        "للمفهومين {concept} و{other} المعرّف الدولي نفسه {iri}.",
    ),
    "promoted_from_retired": (
        "{concept} was under the retired {parent}; it was moved up to {target}.",
        "كان {concept} تحت المفهوم الموقوف {parent}؛ فنُقل إلى {target}.",
    ),
    "promoted_to_top": (
        "{concept} was under the retired {parent}; it was moved up to the top level.",
        "كان {concept} تحت المفهوم الموقوف {parent}؛ فنُقل إلى المستوى الأعلى.",
    ),
    # the JSON Schema of our export format
    "schema_required": (
        "At {at}: the field(s) {wanted} are missing.",
        "في {at}: ينقص الحقل (الحقول) {wanted}.",
    ),
    "schema_additionalProperties": (
        "At {at}: the field(s) {wanted} are not part of the format.",
        "في {at}: الحقل (الحقول) {wanted} ليست من الصيغة.",
    ),
    "schema_type": (
        "At {at}: the value must be of type {wanted}.",
        "في {at}: يجب أن تكون القيمة من النوع {wanted}.",
    ),
    "schema_enum": (
        "At {at}: the value must be one of {wanted}.",
        "في {at}: يجب أن تكون القيمة إحدى {wanted}.",
    ),
    "schema_const": (
        "At {at}: the value must be {wanted}.",
        "في {at}: يجب أن تكون القيمة {wanted}.",
    ),
    "schema_minLength": ("At {at}: the text is empty.", "في {at}: النص فارغ."),
    "schema_maxLength": (
        "At {at}: the text is longer than {wanted} characters.",
        "في {at}: النص أطول من {wanted} حرفًا.",
    ),
    "schema_pattern": (
        "At {at}: the value does not have the expected form ({wanted}).",
        "في {at}: القيمة ليست بالشكل المتوقع ({wanted}).",
    ),
    "schema_minimum": (
        "At {at}: the number must be at least {wanted}.",
        "في {at}: يجب ألا يقل العدد عن {wanted}.",
    ),
    "schema_other": ("At {at}: {wanted}", "في {at}: {wanted}"),
    # changes
    "unknown_concept": (
        "{concept} does not exist.",
        "المفهوم {concept} غير موجود.",
    ),
    "concept_retired": (
        "{concept} is retired.",
        "المفهوم {concept} موقوف.",
    ),
    "id_taken": (
        "The id {concept} is already used (ids are never reused).",
        "المعرّف {concept} مستخدم من قبل (لا يُعاد استخدام المعرّفات).",
    ),
    "changed_since_base": (
        "{concept} changed since the proposal was written: its {field} is now “{current}”, "
        "the proposal saw “{seen}”.",
        "تغيّر {concept} منذ كتابة المقترح: قيمة {field} الآن “{current}” "
        "بينما رأى المقترح “{seen}”.",
    ),
    "children_changed": (
        "The children of {concept} changed since the proposal was written.",
        "تغيّرت فروع {concept} منذ كتابة المقترح.",
    ),
    "invalid_replacement": (
        "{concept} cannot be replaced by {target}: it must be another active concept that "
        "stays in the tree.",
        "لا يمكن استبدال {concept} بـ{target}: يجب أن يكون مفهومًا آخر نشطًا يبقى في الشجرة.",
    ),
    "invalid_change": (
        "The change on {concept} is not valid: {reason}.",
        "التغيير على {concept} غير صالح: {reason}.",
    ),
}


# Field names that messages mention, in Arabic ("label (ar)" keeps its language code).
FIELDS_AR = {
    "label": "التسمية",
    "note": "ملاحظة النطاق",
    "scope note": "ملاحظة النطاق",
    "parent": "الأصل",
    "status": "الحالة",
    "replaced_by": "البديل",
    "alt_labels": "المرادفات",
    "hidden_labels": "التسميات المخفية",
    "notations": "الرموز",
    "related": "المفاهيم المرتبطة",
    "mappings": "روابط المطابقة",
    "other_notes": "الملاحظات الأخرى",
    "iri": "المعرّف الدولي",
}


def _field_ar(value: object) -> object:
    if not isinstance(value, str):
        return value
    name, space, rest = value.partition(" (")
    return FIELDS_AR.get(value) or (FIELDS_AR[name] + space + rest if name in FIELDS_AR else value)


LANGUAGES = {  # code -> (English name, Arabic name)
    "ar": ("Arabic", "العربية"),
    "en": ("English", "الإنجليزية"),
    "fr": ("French", "الفرنسية"),
    "es": ("Spanish", "الإسبانية"),
    "de": ("German", "الألمانية"),
    "ur": ("Urdu", "الأردية"),
    "fa": ("Persian", "الفارسية"),
    "hi": ("Hindi", "الهندية"),
    "und": ("no language given", "دون لغة محددة"),
}


def language_name(code: str, language: str) -> str:
    """A language's name in the interface language ("ar" or else English); unknown codes
    are shown as they are."""
    names = LANGUAGES.get(code)
    return code if names is None else names[1] if language == "ar" else names[0]


def render(kind: str, language: str, params: Mapping[str, object]) -> str:
    """The text of a conflict or finding in `language` ("ar" or anything else for English)."""
    english, arabic = TEXTS[kind]
    values = {k: "" if v is None else v for k, v in params.items()}
    if language == "ar" and "field" in values:
        values["field"] = _field_ar(values["field"])
    if isinstance(values.get("language"), str):
        values["language"] = language_name(str(values["language"]), language)
    return (arabic if language == "ar" else english).format_map(values)
