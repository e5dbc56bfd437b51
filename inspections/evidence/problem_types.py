"""The problem catalogue of the seed notice and glossary, seeded by a migration and editable afterwards."""

ALL = "*"
DEFAULT_PROBLEM_TYPES = [
    # code, zh, en, default severity, hotspot category codes
    ("exposed_garbage", "暴露垃圾", "Exposed garbage", "major", ALL),
    (
        "accumulated_clutter",
        "积存物",
        "Accumulated clutter",
        "minor",
        ["old_compound", "urban_village", "back_street", "green_space"],
    ),
    (
        "breeding_site",
        "蚊蝇孳生地",
        "Mosquito or fly breeding site",
        "major",
        ["old_compound", "urban_village", "farmers_market", "vacant_plot", "green_space"],
    ),
    (
        "plastic_litter",
        "白色垃圾",
        "Plastic litter",
        "minor",
        ["green_space", "vacant_plot", "main_street", "back_street", "construction_site"],
    ),
    (
        "dirty_facilities",
        "公共设施脏污",
        "Dirty public facilities",
        "minor",
        ["bus_stop", "main_street", "green_space", "old_compound"],
    ),
    (
        "illegal_ads",
        "非法小广告",
        "Illegal small ads",
        "minor",
        ["old_compound", "urban_village", "back_street", "bus_stop", "main_street"],
    ),
    ("damaged_hoarding", "工地围挡破损", "Damaged site hoarding", "major", ["construction_site", "vacant_plot"]),
    ("uncovered_muck", "扬尘 / 渣土未苫盖", "Dust or uncovered muck", "severe", ["construction_site", "vacant_plot"]),
    (
        "illegal_parking",
        "乱停乱放",
        "Illegal parking",
        "minor",
        ["main_street", "back_street", "old_compound", "school_surroundings", "farmers_market"],
    ),
    (
        "vehicle_violation",
        "机动车违章",
        "Vehicle violations",
        "major",
        ["main_street", "school_surroundings", "bus_stop"],
    ),
    ("jaywalking", "行人闯红灯", "Jaywalking", "minor", ["main_street", "bus_stop", "school_surroundings"]),
    (
        "missing_traffic_facilities",
        "交通设施缺损",
        "Missing traffic facilities",
        "major",
        ["main_street", "bus_stop", "school_surroundings"],
    ),
    (
        "street_vending",
        "占道经营",
        "Street vending",
        "major",
        ["street_stall", "main_street", "back_street", "farmers_market", "school_surroundings"],
    ),
    ("minors_in_cafe", "网吧接纳未成年人", "Minors in internet cafés", "severe", ["internet_cafe"]),
    ("school_disorder", "校园周边秩序", "Disorder around schools", "major", ["school_surroundings"]),
    ("safety_hazard", "安全隐患", "Safety hazard", "severe", ALL),
]


def ensure_default_problem_types(problem_type_model=None, category_model=None) -> None:
    """Create the problem types that are missing (the migration passes the historical models)."""
    if problem_type_model is None:
        from geo.models import HotspotCategory as category_model
        from inspections.models import ProblemType as problem_type_model
    categories = {c.code: c for c in category_model.objects.all()}
    for order, (code, name, name_en, severity, category_codes) in enumerate(DEFAULT_PROBLEM_TYPES, start=1):
        problem_type, created = problem_type_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "default_severity": severity, "sort_order": order}
        )
        if created:
            wanted = (
                categories.values()
                if category_codes == ALL
                else [categories[c] for c in category_codes if c in categories]
            )
            problem_type.categories.set(wanted)
