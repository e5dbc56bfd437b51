from .exports import ExportStatus, LayerExport
from .hotspots import Hotspot, HotspotCategory, RiskLevel
from .jurisdictions import COMMUNITY_LEVEL, Jurisdiction, JurisdictionKind, community_of
from .units import Unit, UnitKind

__all__ = [
    "COMMUNITY_LEVEL",
    "ExportStatus",
    "Hotspot",
    "HotspotCategory",
    "Jurisdiction",
    "JurisdictionKind",
    "LayerExport",
    "RiskLevel",
    "Unit",
    "UnitKind",
    "community_of",
]
