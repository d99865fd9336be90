"""Profiles: ``quick`` for lectures and CI, ``full`` for publication-quality runs.

One environment variable, ``GVR_PROFILE``, selects the profile; every result records it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

PROFILE_VARIABLE = "GVR_PROFILE"
PROFILES = ("quick", "full")


@dataclass(frozen=True)
class Profile:
    name: str

    def pick(self, *, quick: T, full: T) -> T:
        """The value that belongs to this profile."""
        return quick if self.name == "quick" else full

    @property
    def repetitions(self) -> int:
        """Independent repetitions of every measurement (the course's minimum per profile)."""
        return self.pick(quick=3, full=10)


def current_profile() -> Profile:
    name = os.environ.get(PROFILE_VARIABLE, "quick").strip().lower() or "quick"
    if name not in PROFILES:
        raise ValueError(
            f"{PROFILE_VARIABLE}={name!r} is not a profile; use one of {', '.join(PROFILES)}"
        )
    return Profile(name)
