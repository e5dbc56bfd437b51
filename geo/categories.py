"""The twelve hotspot categories of the glossary, seeded by a migration and editable afterwards."""

DEFAULT_CATEGORIES = [
    # code, zh, en, colour
    ("construction_site", "建筑工地", "Construction site", "#e8590c"),
    ("vacant_plot", "待建地块", "Vacant plot awaiting construction", "#a9770e"),
    ("old_compound", "老旧小区", "Old residential compound", "#5c7cfa"),
    ("urban_village", "城中村", "Urban village", "#ae3ec9"),
    ("street_stall", "占道摊点", "Illegal street stall", "#f03e3e"),
    ("school_surroundings", "校园周边", "School surroundings", "#1098ad"),
    ("internet_cafe", "网吧", "Internet café", "#495057"),
    ("farmers_market", "农贸市场", "Farmers' market", "#37b24d"),
    ("back_street", "背街小巷", "Back street", "#d6336c"),
    ("bus_stop", "公交站", "Bus stop", "#1c7ed6"),
    ("main_street", "主要街道", "Main street", "#f59f00"),
    ("green_space", "绿地", "Green space", "#2b8a3e"),
]


def ensure_default_categories(model=None) -> None:
    """Create the default categories that are missing (the migration uses it with the historical model)."""
    if model is None:
        from geo.models import HotspotCategory as model
    for order, (code, name, name_en, color) in enumerate(DEFAULT_CATEGORIES, start=1):
        model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "color": color, "sort_order": order}
        )
