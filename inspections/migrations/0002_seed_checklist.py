"""Seed the bureau's checklist from the programme document (六个一, 清廉家访, parents' opinions).

Idempotent: items are matched by code; existing rows are left as an administrator edited them.
"""

from django.db import migrations

ITEMS = [
    ("support_plan", "每名教师制定一份家访帮扶方案", "Every teacher draws up a home-visit support plan"),
    ("visit_handbook", "每名教师备一本家访手册，填写完整", "Every teacher keeps a complete home-visit handbook"),
    ("visit_essay", "每名教师写一篇家访随笔（家访心得）", "Every teacher writes a home-visit essay (reflections)"),
    ("parents_meeting", "每名教师开一次家长座谈会", "Every teacher holds a parents' meeting"),
    ("pairing", "每名教师结一个帮扶对子（一对一结对帮扶）", "Every teacher pairs one-to-one with a pupil who needs help"),
    ("practical_help", "每名教师为学生做一件帮扶实事", "Every teacher does one practical thing for a pupil"),
    ("visit_records", "家访记录真实、完整，建立家访档案", "Home-visit records are true and complete, with a visit file"),
    ("integrity", "清廉家访：无接受家长宴请、收受礼品现象", "Clean home visits: no banquet or gift accepted from parents"),
    ("parents_opinions", "家长意见和建议有回应、有整改措施", "Parents' opinions and suggestions are answered and acted on"),
    ("appointment", "家访前与家长预约，家访方式普访、定访、随访相结合", "Visits are agreed with parents beforehand; general, targeted and follow-up visits combined"),
    ("organisation", "学校制定实施方案，一把手亲自抓，全员培训", "The school has an implementation plan led by the principal, with training for all staff"),
    ("archive", "资料留存齐全（方案、手册、随笔、记录表、帮扶名单、照片、总结），专人整理存档", "Documents kept complete (plans, handbooks, essays, records, lists, photos, summaries) and filed by a named person"),
]


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for order, (code, text, text_en) in enumerate(ITEMS, start=1):
        ChecklistItem.objects.get_or_create(
            code=code, defaults={"text": text, "text_en": text_en, "order": order * 10, "active": True}
        )


def unseed(apps, schema_editor):
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    InspectionChecklistResult = apps.get_model("inspections", "InspectionChecklistResult")
    codes = [code for code, _text, _en in ITEMS]
    used = set(InspectionChecklistResult.objects.values_list("item__code", flat=True))
    ChecklistItem.objects.filter(code__in=[c for c in codes if c not in used]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
