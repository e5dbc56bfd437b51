"""The people every rule of the matrix is tried with: each role in community A (the west community) and its unit,
and a manager, an inspector and a unit member of community B (the east community)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    name: str
    role: str  # "anonymous" or an accounts.models.Role value
    own: bool  # of community A and its unit, where the scene's objects are


PERSONAS = [
    Persona("anonymous", "anonymous", own=False),
    Persona("admin", "admin", own=True),
    Persona("manager", "manager", own=True),
    Persona("inspector", "inspector", own=True),
    Persona("volunteer", "volunteer", own=True),
    Persona("rectifier", "rectifier", own=True),
    Persona("manager-other-community", "manager", own=False),
    Persona("inspector-other-community", "inspector", own=False),
    Persona("rectifier-other-unit", "rectifier", own=False),
]
BY_NAME = {persona.name: persona for persona in PERSONAS}
