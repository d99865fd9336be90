"""``python -m gorust.part4 cold-builds [N]`` (see gorust.part4.building.main)."""

import sys

from gorust.part4.building import main

raise SystemExit(main(sys.argv[1:]))
