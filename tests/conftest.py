from __future__ import annotations

import sys
from pathlib import Path

# Test helpers (synth.py, fixture generators) are imported as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

from hypothesis import settings

# Property tests check outcomes, not speed: on a shared 2-core CI machine a per-example
# deadline only makes them flaky.
settings.register_profile("piiscan", deadline=None)
settings.load_profile("piiscan")
