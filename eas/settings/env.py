"""The one place where settings read the process environment.

Every setting that may differ between machines is read here, through
django-environ, so the settings modules never touch ``os.environ`` directly.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# A developer may keep overrides in a .env file at the project root; the real
# environment always wins over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
