"""Machine help runs on this machine only: no model hub, no network.

The libraries under the backends (tokenizers, llama.cpp) never need the network for files given
by path; the environment flags below also stop any hub client they might bring in from trying.
"""

from __future__ import annotations

import os

#: Environment flags that keep hub clients offline, set before any backend loads.
OFFLINE_FLAGS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}


def stay_offline() -> None:
    """Set the offline flags (without overriding a value the user set)."""
    for name, value in OFFLINE_FLAGS.items():
        os.environ.setdefault(name, value)
