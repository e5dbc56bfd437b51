"""Names kept in Chinese and English; pages and the API show the one of the active language."""

from django.utils.translation import get_language


def english_active() -> bool:
    return (get_language() or "").startswith("en")


class BilingualName:
    """For models with `name` (Chinese, always set) and `name_en` (may be blank: then Chinese is shown)."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and english_active() else self.name
