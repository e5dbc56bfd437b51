from .hotspots import Hotspot, HotspotCategory, RiskLevel
from .jurisdictions import Jurisdiction, JurisdictionKind
from .units import Unit, UnitKind

__all__ = ["Hotspot", "HotspotCategory", "Jurisdiction", "JurisdictionKind", "RiskLevel", "Unit", "UnitKind"]
